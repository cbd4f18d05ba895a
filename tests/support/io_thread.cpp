#include "tests/support/io_thread.hpp"

#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "net/http/server.hpp"

namespace verity::test {

struct io_thread::impl {
  boost::asio::io_context io{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{
    io.get_executor()};
  std::thread runner{[this] { io.run(); }};
};

io_thread::io_thread() : impl_(std::make_unique<impl>()) {}

io_thread::~io_thread() {
  impl_->work.reset();
  impl_->io.stop();
  impl_->runner.join();
}

boost::asio::io_context& io_thread::io() {
  return impl_->io;
}

struct test_server::impl {
  explicit impl(net::request_handler& handler) : server(runner.io(), "127.0.0.1", 0, handler) {
    server.start();
  }
  ~impl() { server.stop(); }

  io_thread runner;
  net::http_server server;
};

test_server::test_server(net::request_handler& handler)
  : impl_(std::make_unique<impl>(handler)) {}

test_server::~test_server() = default;

std::uint16_t test_server::port() const {
  return impl_->server.port();
}

std::string test_server::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port()) + std::string{path};
}

} // namespace verity::test
