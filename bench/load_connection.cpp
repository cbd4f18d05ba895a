#include "bench/load_connection.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace verity::bench {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace std::chrono_literals;

/// Longest a request may take before it counts as failed.
constexpr auto request_timeout = 30s;
/// Pause after a failed request, so a refused connection does not spin a closed loop.
constexpr auto failure_pause = 10ms;

class connection : public std::enable_shared_from_this<connection> {
public:
  connection(asio::io_context& io, const connection_context& context)
    : context_(context), stream_(io), timer_(io) {}

  /// Takes the next slot and sends it at its intended time; closes when none is left.
  void next() {
    auto slot = context_.schedule->take(load_clock::now());
    if (!slot) {
      beast::error_code ignored;
      stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
      return;
    }
    slot_ = *slot;
    if (slot_.intended <= load_clock::now())
      return send();
    timer_.expires_at(slot_.intended);
    timer_.async_wait([self = shared_from_this()](beast::error_code) { self->send(); });
  }

private:
  void send() {
    request_ = to_beast(context_.source->request(slot_.sequence));
    stream_.expires_after(request_timeout);
    if (connected_)
      return write();
    stream_.async_connect(context_.server, [self = shared_from_this()](beast::error_code ec) {
      if (ec)
        return self->fail();
      self->connected_ = true;
      self->stream_.socket().set_option(asio::ip::tcp::no_delay{true});
      self->write();
    });
  }

  void write() {
    http::async_write(stream_, request_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec)
                          return self->fail();
                        self->read();
                      });
  }

  void read() {
    response_ = {};
    http::async_read(stream_, buffer_, response_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec)
                         return self->fail();
                       self->answered();
                     });
  }

  void answered() {
    auto status = response_.result_int();
    context_.recorder->answer(status, load_clock::now() - slot_.intended);
    context_.source->answered(slot_.sequence, status, response_.body());
    if (!response_.keep_alive())
      disconnect();
    next();
  }

  /// Counts the slot as failed, drops the connection and goes on after a short pause.
  void fail() {
    context_.recorder->transport_error();
    disconnect();
    timer_.expires_after(failure_pause);
    timer_.async_wait([self = shared_from_this()](beast::error_code) { self->next(); });
  }

  void disconnect() {
    beast::error_code ignored;
    stream_.socket().close(ignored);
    buffer_.clear();
    connected_ = false;
  }

  http::request<http::string_body> to_beast(load_request request) const {
    http::request<http::string_body> beast_request{http::string_to_verb(request.method),
                                                   request.target, 11};
    beast_request.set(http::field::host, context_.host);
    for (auto& [name, value] : request.headers)
      beast_request.set(name, value);
    if (!request.body.empty() || request.method == "POST") {
      beast_request.body() = std::move(request.body);
      beast_request.prepare_payload();
    }
    beast_request.keep_alive(true);
    return beast_request;
  }

  connection_context context_;
  beast::tcp_stream stream_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  send_slot slot_;
  bool connected_ = false;
};

} // namespace

void start_connection(asio::io_context& io, const connection_context& context) {
  std::make_shared<connection>(io, context)->next();
}

} // namespace verity::bench
