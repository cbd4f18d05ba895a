#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "net/sim_callbacks.hpp"
#include "net/sim_inbox.hpp"
#include "net/sim_scenarios.hpp"

namespace verity::net {

/// How a Twilio simulator runs.
struct twilio_simulator_settings {
  std::string host = "127.0.0.1"; ///< IP address to listen on.
  std::uint16_t port = 0;         ///< 0 picks a free port.
  std::string account_sid;        ///< The account it accepts ("AC" + 32 hex digits).
  std::string auth_token;         ///< Its secret: checks Basic auth and signs callbacks.
  sim_latency latency;            ///< Time between two callbacks of a message.
  sim_mix mix;                    ///< Outcome rates for numbers the table does not script.
  std::uint64_t seed = 0;         ///< Seeds outcomes and latencies; 0 picks a random seed.
  /// Where messages it will report delivered are kept for the demo page; null: nowhere.
  std::shared_ptr<sim_inbox> inbox;
};

/// What a simulator has done so far.
struct sim_stats {
  std::uint64_t created = 0; ///< Messages answered 201.
  std::uint64_t refused = 0; ///< Requests answered with an error.
  callback_counts callbacks;
};

/// A stand-in for Twilio's Messages API on its own io_context and thread: serves
/// POST /2010-04-01/Accounts/{AccountSid}/Messages.json as Twilio does (authentication,
/// parameter checks, error codes, the message resource), then posts signed status callbacks
/// to each message's StatusCallback, as the scenario of its `To` number says (see
/// net/sim_scenarios.hpp and net/README.md).
class twilio_simulator {
public:
  /// Binds the listening socket. Throws std::system_error when the address cannot be bound,
  /// std::runtime_error when libcurl cannot be initialised.
  explicit twilio_simulator(twilio_simulator_settings settings);

  /// Stops it (see stop).
  ~twilio_simulator();

  twilio_simulator(const twilio_simulator&) = delete;
  twilio_simulator& operator=(const twilio_simulator&) = delete;

  /// Starts serving on a thread of its own.
  void start();

  /// Stops serving and sending callbacks and joins its thread; callbacks not sent yet are
  /// dropped. Idempotent; call it from any thread but the simulator's own.
  void stop();

  /// The port actually bound.
  std::uint16_t port() const;

  /// "http://HOST:PORT": what TWILIO_API_BASE would be set to.
  std::string base_url() const;

  /// The counts so far.
  sim_stats stats() const;

  /// The Body of the latest message created to `e164` (canonical E.164, no "whatsapp:"), as the
  /// phone would show it: lets a test read the code it was sent. Only the latest
  /// `inbox_capacity` numbers are remembered; nothing for an older or unknown one.
  std::optional<std::string> last_body(const std::string& e164) const;

  /// How many numbers `last_body` remembers.
  static constexpr std::size_t inbox_capacity = 1024;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace verity::net
