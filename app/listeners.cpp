#include "app/listeners.hpp"

#include <boost/asio/io_context.hpp>

#include "net/api/mode_header.hpp"
#include "net/api/router.hpp"
#include "net/http/server.hpp"

namespace verity {

namespace {

net::http_server_limits server_limits(const config& settings) {
  net::http_server_limits limits;
  limits.max_body = settings.max_body;
  limits.header_timeout = settings.header_timeout;
  return limits;
}

} // namespace

/// One listener: its router, the mode stamp in front of it and the server bound to `at`.
struct listeners::listener {
  listener(boost::asio::io_context& io, const endpoint& at, const config& settings,
           metrics* recorder)
    : routes(recorder), stamped(routes, to_string(settings.twilio.mode)),
      server(io, at.host, at.port, stamped, server_limits(settings)), host(at.host) {}

  /// The address with the port actually bound.
  std::string address() const { return endpoint{host, server.port()}.to_string(); }

  net::router routes;
  net::twilio_mode_stamp stamped;
  net::http_server server;
  std::string host;
};

listeners::listeners(boost::asio::io_context& io, const config& settings, metrics* recorder)
  : public_(std::make_unique<listener>(io, settings.listen, settings, recorder)) {
  if (settings.admin_listen)
    admin_ = std::make_unique<listener>(io, *settings.admin_listen, settings, recorder);
}

listeners::~listeners() = default;

net::router& listeners::public_routes() {
  return public_->routes;
}

net::router* listeners::admin_routes() {
  return admin_ ? &admin_->routes : nullptr;
}

net::router& listeners::metrics_routes() {
  return admin_ ? admin_->routes : public_->routes;
}

void listeners::start() {
  public_->server.start();
  if (admin_)
    admin_->server.start();
}

void listeners::stop() {
  public_->server.stop();
  if (admin_)
    admin_->server.stop();
}

std::size_t listeners::active_connections() const {
  return public_->server.active_connections()
         + (admin_ ? admin_->server.active_connections() : 0);
}

std::string listeners::public_address() const {
  return public_->address();
}

std::uint16_t listeners::public_port() const {
  return public_->server.port();
}

std::optional<std::string> listeners::admin_address() const {
  if (!admin_)
    return std::nullopt;
  return admin_->address();
}

} // namespace verity
