#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace verity::net {

class request_handler;

/// Limits that protect the server from slow, large or numerous clients.
struct http_server_limits {
  std::size_t max_body = 64 * 1024;                  ///< Larger bodies get 413.
  std::size_t max_header = 8 * 1024;                 ///< Larger request heads get 431.
  std::chrono::milliseconds header_timeout{10'000};  ///< Time to send a complete request (an
                                                     ///< idle keep-alive connection closes too).
  std::size_t max_connections = 10'000;              ///< Further connections are closed at once.
};

/// An HTTP/1.1 server on Boost.Beast: one strand per connection, keep-alive, and the limits
/// above. It hands every complete request to a `request_handler` and writes what it answers.
class http_server {
public:
  /// Binds `host:port` (port 0 picks a free one) on `io`. Throws std::system_error when the
  /// address cannot be bound, naming it.
  http_server(boost::asio::io_context& io, const std::string& host, std::uint16_t port,
              request_handler& handler, http_server_limits limits = {});
  ~http_server();

  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Starts accepting connections.
  void start();

  /// Stops accepting and closes idle keep-alive connections; the other open connections finish
  /// their current request and close.
  void stop();

  /// The port actually bound (useful with port 0).
  std::uint16_t port() const;

  /// Connections currently open (for draining at shutdown).
  std::size_t active_connections() const;

private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

} // namespace verity::net
