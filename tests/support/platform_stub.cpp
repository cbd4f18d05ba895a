#include "tests/support/platform_stub.hpp"

#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/io_context.hpp>

#include "net/http/server.hpp"
#include "tests/support/request_recorder.hpp"

namespace verity::test {

namespace {

/// Records each request, then answers it as scripted or holds the answer.
class scripted_handler : public net::request_handler {
public:
  void handle(net::http_request request, net::responder respond) override {
    recorder.record(request);
    std::lock_guard lock{mutex};
    if (hanging) {
      held.push_back(std::move(respond));
      return;
    }
    respond(answer);
  }

  /// Answers every held request (with a 503), so the server can stop.
  void release() {
    std::vector<net::responder> waiting;
    {
      std::lock_guard lock{mutex};
      hanging = false;
      waiting.swap(held);
    }
    for (auto& respond : waiting)
      respond({503, "application/json", "{}", {}});
  }

  request_recorder recorder;
  std::mutex mutex;
  net::http_response answer{200, "application/json", "{}", {}};
  bool hanging = false;
  std::vector<net::responder> held;
};

} // namespace

struct platform_stub::impl {
  scripted_handler handler;
  boost::asio::io_context io;
  std::optional<net::http_server> server;
  std::thread thread;
};

platform_stub::platform_stub() : impl_(std::make_unique<impl>()) {
  impl_->server.emplace(impl_->io, "127.0.0.1", 0, impl_->handler, net::http_server_limits{});
  impl_->server->start();
  impl_->thread = std::thread{[this] { impl_->io.run(); }};
}

platform_stub::~platform_stub() {
  impl_->handler.release();
  impl_->server->stop();
  impl_->io.stop();
  impl_->thread.join();
}

std::string platform_stub::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->server->port()) + "/hooks/verified";
}

void platform_stub::answer_with(int status, std::string body) {
  std::lock_guard lock{impl_->handler.mutex};
  impl_->handler.hanging = false;
  impl_->handler.answer = {status, "application/json", std::move(body), {}};
}

void platform_stub::hang() {
  std::lock_guard lock{impl_->handler.mutex};
  impl_->handler.hanging = true;
}

std::vector<net::http_request> platform_stub::wait_for(std::size_t count,
                                                       std::chrono::milliseconds timeout) const {
  return impl_->handler.recorder.wait_for(count, timeout);
}

} // namespace verity::test
