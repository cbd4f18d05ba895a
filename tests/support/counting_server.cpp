#include "tests/support/counting_server.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace verity::test {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct counting_server::impl {
  /// One accepted connection: reads requests and answers them as the mode says.
  struct session : std::enable_shared_from_this<session> {
    session(tcp::socket s, impl* o) : socket(std::move(s)), closer(socket.get_executor()), owner(o) {}

    void read() {
      request = {};
      http::async_read(socket, buffer, request, [self = shared_from_this()](auto ec, std::size_t) {
        if (ec)
          return;
        self->owner->record(self->request.body());
        if (self->owner->mode != counting_mode::never_answer)
          self->answer();
        else
          self->read();
      });
    }

    void answer() {
      response = {http::status::ok, 11};
      response.keep_alive(true);
      response.prepare_payload();
      http::async_write(socket, response, [self = shared_from_this()](auto ec, std::size_t) {
        if (ec)
          return;
        if (self->owner->mode == counting_mode::answer)
          return self->read();
        self->closer.expires_after(std::chrono::milliseconds{20});
        self->closer.async_wait([self](auto) {
          boost::system::error_code ignored;
          self->socket.close(ignored);
        });
      });
    }

    tcp::socket socket;
    asio::steady_timer closer;
    impl* owner; ///< Outlives every session: its io_context holds them.
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::empty_body> response;
  };

  explicit impl(counting_mode m) : mode(m), acceptor(io, {asio::ip::make_address("127.0.0.1"), 0}) {}

  void accept() {
    acceptor.async_accept(asio::make_strand(io), [this](auto ec, tcp::socket s) {
      if (ec)
        return;
      ++accepted;
      std::make_shared<session>(std::move(s), this)->read();
      accept();
    });
  }

  void record(std::string body) {
    std::lock_guard lock{mutex};
    bodies.push_back(std::move(body));
    arrived.notify_all();
  }

  counting_mode mode;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  std::atomic<std::size_t> accepted{0};
  mutable std::mutex mutex;
  mutable std::condition_variable arrived;
  std::vector<std::string> bodies; ///< Guarded by mutex.
};

counting_server::counting_server(counting_mode mode, unsigned threads)
  : impl_(std::make_unique<impl>(mode)) {
  impl_->accept();
  for (unsigned i = 0; i < threads; ++i)
    impl_->threads.emplace_back([io = &impl_->io] { io->run(); });
}

counting_server::~counting_server() {
  impl_->io.stop();
  for (auto& thread : impl_->threads)
    thread.join();
}

std::string counting_server::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(impl_->acceptor.local_endpoint().port())
         + std::string{path};
}

std::size_t counting_server::connections() const {
  return impl_->accepted.load();
}

std::vector<std::string> counting_server::wait_for(std::size_t count,
                                                   std::chrono::milliseconds timeout) const {
  std::unique_lock lock{impl_->mutex};
  impl_->arrived.wait_for(lock, timeout, [&] { return impl_->bodies.size() >= count; });
  return impl_->bodies;
}

} // namespace verity::test
