#pragma once

// The node's HTTP listeners: the public one and, with VERITY_ADMIN_LISTEN, the admin one.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "config/config.hpp"

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace verity {

class metrics;

namespace net {
class router;
} // namespace net

/// The public listener (VERITY_LISTEN) and the optional admin listener (VERITY_ADMIN_LISTEN),
/// each an `http_server` with a router of its own; every answer of either carries the
/// `Verity-Twilio-Mode` header. Routes are added to the routers before `start`.
class listeners {
public:
  /// Binds both addresses on `io` (routes counted in `recorder`, which must outlive this).
  /// Throws std::system_error naming an address that cannot be bound.
  listeners(boost::asio::io_context& io, const config& settings, metrics* recorder);
  ~listeners();

  listeners(const listeners&) = delete;
  listeners& operator=(const listeners&) = delete;

  /// The routes of the public listener.
  net::router& public_routes();

  /// The routes of the admin listener, or null without VERITY_ADMIN_LISTEN. Operator-only
  /// routes are mounted here.
  net::router* admin_routes();

  /// Where `/metrics` is served: the admin listener when there is one, else the public one.
  net::router& metrics_routes();

  /// Starts accepting on both listeners.
  void start();

  /// Stops accepting on both; their open connections finish their current request and close.
  void stop();

  /// Connections open on both listeners together (for draining at shutdown).
  std::size_t active_connections() const;

  /// The public listener's address with the port actually bound: "127.0.0.1:8080".
  std::string public_address() const;

  /// The public listener's port actually bound (useful with port 0).
  std::uint16_t public_port() const;

  /// The admin listener's address with the port actually bound, or nothing without one.
  std::optional<std::string> admin_address() const;

private:
  struct listener;

  std::unique_ptr<listener> public_;
  std::unique_ptr<listener> admin_; ///< Null without VERITY_ADMIN_LISTEN.
};

} // namespace verity
