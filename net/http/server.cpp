#include "net/http/server.hpp"

#include <atomic>
#include <list>
#include <mutex>
#include <optional>
#include <system_error>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <spdlog/spdlog.h>

#include "net/http/beast_request.hpp"
#include "net/http/message.hpp"

namespace verity::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

/// True when the client waits for "100 Continue" before it sends the body (RFC 9110 10.1.1).
bool expects_continue(const http::request<http::string_body>& request) {
  return request.version() >= 11 && beast::iequals(request[http::field::expect], "100-continue");
}

class session;

/// What every session shares with the listener.
struct shared_state {
  using registration = std::list<std::weak_ptr<session>>::iterator;

  // A constructor, since clang 14 cannot make_shared an aggregate (no P0960).
  shared_state(request_handler& handler_, http_server_limits limits_)
    : handler(handler_), limits(limits_) {}

  /// Lists a started session, for `open_sessions`.
  registration add(std::weak_ptr<session> started) {
    std::lock_guard lock{mutex};
    return sessions.insert(sessions.end(), std::move(started));
  }

  /// Forgets a session that ends.
  void remove(registration entry) {
    std::lock_guard lock{mutex};
    sessions.erase(entry);
  }

  /// The sessions still open.
  std::vector<std::shared_ptr<session>> open_sessions() {
    std::vector<std::shared_ptr<session>> open;
    std::lock_guard lock{mutex};
    for (const auto& entry : sessions)
      if (auto alive = entry.lock())
        open.push_back(std::move(alive));
    return open;
  }

  request_handler& handler;
  http_server_limits limits;
  std::atomic<std::size_t> connections{0};
  std::atomic<bool> stopping{false};
  std::mutex mutex;
  std::list<std::weak_ptr<session>> sessions; ///< Guarded by `mutex`.
};

/// One client connection: reads a request, hands it to the handler, writes the answer, and
/// repeats while the client keeps the connection alive. Runs on its own strand.
class session : public std::enable_shared_from_this<session> {
public:
  session(tcp::socket socket, std::shared_ptr<shared_state> shared)
    : stream_(std::move(socket)), shared_(std::move(shared)) {
    ++shared_->connections;
  }

  ~session() {
    if (registration_)
      shared_->remove(*registration_);
    --shared_->connections;
  }

  void start() {
    registration_ = shared_->add(weak_from_this());
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

  /// At a stop: closes the connection if it waits for a request of which nothing arrived yet
  /// (an idle keep-alive connection); a request being read or answered goes on.
  void close_if_idle() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->idle_ && self->buffer_.size() == 0 && !self->parser_->got_some())
        self->close();
    });
  }

private:
  void read() {
    if (shared_->stopping)
      return close(); // the answer before said keep-alive, but the server stopped since
    idle_ = true;
    parser_.emplace();
    apply_limits(*parser_, shared_->limits);
    stream_.expires_after(shared_->limits.header_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              self->on_header(ec);
                            });
  }

  /// Answers "100 Continue" when the client waits for it, then reads the body (under the same
  /// deadline as the head). A body over the limit is refused here, before the client sends it.
  void on_header(beast::error_code ec) {
    idle_ = false;
    if (ec)
      return on_read(ec);
    if (!expects_continue(parser_->get()))
      return read_body();
    auto interim = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
    http::async_write(stream_, *interim,
                      [self = shared_from_this(), interim](beast::error_code sent, std::size_t) {
                        if (sent)
                          return self->close();
                        self->read_body();
                      });
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(beast::error_code ec) {
    if (auto answer = read_failure_response(ec))
      return reject(std::move(*answer));
    if (ec)
      return close(); // end of stream, timeout or a network error: nothing to answer
    stream_.expires_never();
    dispatch(parser_->release());
  }

  void dispatch(http::request<http::string_body> request) {
    keep_alive_ = request.keep_alive();
    version_ = request.version();
    auto self = shared_from_this();
    responder respond = [self](http_response response) {
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->write(std::move(response));
      });
    };
    shared_->handler.handle(to_application(std::move(request)), std::move(respond));
  }

  http_request to_application(http::request<http::string_body> request) const {
    beast::error_code ec;
    auto peer = stream_.socket().remote_endpoint(ec);
    return to_http_request(std::move(request), ec ? std::string{} : peer.address().to_string());
  }

  /// Answers a request that could not be read, then closes the connection.
  void reject(http_response response) {
    keep_alive_ = false;
    version_ = 11;
    write(std::move(response));
  }

  void write(http_response response) {
    auto message = std::make_shared<http::response<http::string_body>>(
      static_cast<http::status>(response.status), version_);
    message->set(http::field::server, "verity");
    message->set(http::field::content_type, response.content_type);
    for (auto& [name, value] : response.headers)
      message->set(name, value);
    message->body() = std::move(response.body);
    message->keep_alive(keep_alive_ && !shared_->stopping);
    message->prepare_payload();
    stream_.expires_after(shared_->limits.header_timeout);
    http::async_write(stream_, *message,
                      [self = shared_from_this(), message](beast::error_code ec, std::size_t) {
                        self->on_write(ec, message->keep_alive());
                      });
  }

  void on_write(beast::error_code ec, bool keep_alive) {
    if (ec || !keep_alive)
      return close();
    read();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<request_parser> parser_;
  std::shared_ptr<shared_state> shared_;
  bool keep_alive_ = false;
  unsigned version_ = 11;
  bool idle_ = false; ///< Waiting for the head of a request.
  std::optional<shared_state::registration> registration_;
};

} // namespace

/// The listener: accepts connections and starts a session for each.
struct http_server::impl : std::enable_shared_from_this<http_server::impl> {
  impl(asio::io_context& context, request_handler& handler, http_server_limits limits)
    : io(context), acceptor(asio::make_strand(context)), retry_timer(acceptor.get_executor()),
      shared(std::make_shared<shared_state>(handler, limits)) {
  }

  void bind(const std::string& host, std::uint16_t port) {
    beast::error_code ec;
    auto address = asio::ip::make_address(host, ec);
    if (ec)
      throw std::system_error(ec, "cannot listen on '" + host + "': not an IP address");
    tcp::endpoint endpoint{address, port};
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint, ec);
    if (ec)
      throw std::system_error(ec, "cannot listen on " + host + ":" + std::to_string(port));
    acceptor.listen(asio::socket_base::max_listen_connections);
  }

  void accept() {
    acceptor.async_accept(asio::make_strand(io),
                          [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                            self->on_accept(ec, std::move(socket));
                          });
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open())
      return;
    if (ec)
      return accept_later(ec);
    accept_failing = false;
    if (!shared->stopping && shared->connections < shared->limits.max_connections)
      std::make_shared<session>(std::move(socket), shared)->start();
    accept();
  }

  /// Accepting failed, typically for want of file descriptors: the connection stays queued, so
  /// accepting again at once would fail again at once, in a busy loop. Tries again after a
  /// pause instead, and logs once per failing spell.
  void accept_later(beast::error_code ec) {
    if (!accept_failing)
      spdlog::warn("HTTP server cannot accept connections: {}; retrying every {} ms",
                   ec.message(), accept_retry.count());
    accept_failing = true;
    retry_timer.expires_after(accept_retry);
    retry_timer.async_wait([self = shared_from_this()](beast::error_code waited) {
      if (!waited)
        self->accept();
    });
  }

  /// The pause between two accepts while accepting fails.
  static constexpr std::chrono::milliseconds accept_retry{100};

  asio::io_context& io;
  tcp::acceptor acceptor;
  asio::steady_timer retry_timer;
  bool accept_failing = false; ///< The last accept failed (guarded by the acceptor's strand).
  std::shared_ptr<shared_state> shared;
};

http_server::http_server(asio::io_context& io, const std::string& host, std::uint16_t port,
                         request_handler& handler, http_server_limits limits)
  : impl_(std::make_shared<impl>(io, handler, limits)) {
  impl_->bind(host, port);
}

http_server::~http_server() {
  stop();
}

void http_server::start() {
  asio::dispatch(impl_->acceptor.get_executor(), [self = impl_] { self->accept(); });
}

void http_server::stop() {
  impl_->shared->stopping = true;
  for (const auto& open : impl_->shared->open_sessions())
    open->close_if_idle();
  asio::dispatch(impl_->acceptor.get_executor(), [self = impl_] {
    beast::error_code ignored;
    self->acceptor.close(ignored);
    self->retry_timer.cancel();
  });
}

std::size_t http_server::active_connections() const {
  return impl_->shared->connections;
}

std::uint16_t http_server::port() const {
  return impl_->acceptor.local_endpoint().port();
}

} // namespace verity::net
