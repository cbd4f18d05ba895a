#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "net/sim/callback_pool.hpp"
#include "net/sim/callbacks.hpp"
#include "net/sim/inbox.hpp"
#include "net/sim/scenarios.hpp"

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
  unsigned threads = 1;           ///< Threads running its io_context; 0: one per CPU.
  callback_pool_limits callback_limits; ///< Connections per callback host, queue bound.
  /// The simulated phones: where messages it will report delivered are kept (the demo page, the
  /// tests' reading of codes); null: one of its own, of `inbox_capacity` messages.
  std::shared_ptr<sim_inbox> inbox;
};

/// What a simulator has done so far.
struct sim_stats {
  std::uint64_t created = 0; ///< Messages answered 201.
  std::uint64_t refused = 0; ///< Requests answered with an error (overloaded included).
  std::uint64_t overloaded = 0; ///< Creates answered 429 because the callback queue filled up.
  callback_counts callbacks;
};

/// A stand-in for Twilio's Messages API on its own io_context and threads: serves
/// POST /2010-04-01/Accounts/{AccountSid}/Messages.json as Twilio does (authentication,
/// parameter checks, error codes, the message resource), then posts signed status callbacks
/// to each message's StatusCallback, as the scenario of its `To` number says (see
/// net/sim/scenarios.hpp and net/README.md). While its callback queue is half full or more it
/// answers new messages that want callbacks with 429 (20429), as Twilio does when an account
/// sends too fast.
/// GET /sim/stats answers its counts as JSON (no credentials: they hold no secret).
class twilio_simulator {
public:
  /// Binds the listening socket. Throws std::system_error when the address cannot be bound,
  /// std::runtime_error when libcurl cannot be initialised.
  explicit twilio_simulator(twilio_simulator_settings settings);

  /// Stops it (see stop).
  ~twilio_simulator();

  twilio_simulator(const twilio_simulator&) = delete;
  twilio_simulator& operator=(const twilio_simulator&) = delete;

  /// Starts serving on `settings.threads` threads of its own.
  void start();

  /// Stops serving and sending callbacks and joins its threads; callbacks not sent yet are
  /// dropped. Idempotent; call it from any thread but the simulator's own.
  void stop();

  /// The port actually bound.
  std::uint16_t port() const;

  /// "http://HOST:PORT": what TWILIO_API_BASE would be set to.
  std::string base_url() const;

  /// The counts so far.
  sim_stats stats() const;

  /// The simulated phones (the settings' inbox, or its own).
  std::shared_ptr<sim_inbox> inbox() const;

  /// How many messages its own inbox keeps.
  static constexpr std::size_t inbox_capacity = 1024;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace verity::net
