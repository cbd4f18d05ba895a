#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "actors/actors.hpp"
#include "config/config.hpp"

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace caf {
class actor_system;
} // namespace caf

namespace verity::net {
class egress_health;
class simulated_phones;
} // namespace verity::net

namespace verity {

class metrics;

/// The base URL Twilio calls back: VERITY_PUBLIC_URL when set, else "http://<listen>" with the
/// port actually bound (which differs when VERITY_LISTEN asks for port 0).
std::string callback_base_url(const config& settings, std::uint16_t bound_port);

/// The Twilio side of the engine: the built-in Twilio simulator with VERITY_TWILIO=simulator
/// (started in-process on a loopback ephemeral port with a generated account SID and token),
/// the libcurl client on `io`, and the egress actor in front of it.
class egress_stack {
public:
  /// Starts it all. `public_url` is the base URL status callbacks go to (callback_base_url);
  /// Twilio requests are counted in `recorder` when it is not null (it must outlive the stack).
  /// Throws std::system_error or std::runtime_error when the simulator or libcurl cannot start.
  egress_stack(const config& settings, std::string public_url, boost::asio::io_context& io,
               caf::actor_system& system, metrics* recorder);

  /// Stops the egress actor and waits until it is gone, then the client and the simulator.
  ~egress_stack();

  egress_stack(const egress_stack&) = delete;
  egress_stack& operator=(const egress_stack&) = delete;

  /// The actor that creates messages at Twilio.
  const egress_actor& actor() const;

  /// The auth token status callbacks are signed with: TWILIO_AUTH_TOKEN, or the simulator's.
  const std::string& auth_token() const;

  /// Authenticates Twilio requests with `auth_token` from now on (a reload after rotation).
  /// Ignored with the built-in simulator, whose token never changes.
  void set_auth_token(std::string auth_token);

  /// True when WhatsApp messages can go as the approved template (ContentSid): one is
  /// configured, or the simulator stands in with one of its own.
  bool has_whatsapp_template() const;

  /// The outcome of the latest request to Twilio (or the simulator), for readiness probes.
  std::shared_ptr<const net::egress_health> health() const;

  /// The simulated phones of the built-in simulator (the demo page shows what they received);
  /// null with real Twilio.
  std::shared_ptr<const net::simulated_phones> inbox() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace verity
