#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

#include "engine/expiring_map.hpp"

namespace verity::net {

/// A message as the simulated phone shows it.
struct sim_inbox_message {
  bool whatsapp = false;
  std::string text; ///< The Body, or the template rendered with its variables.
};

/// The simulator's stand-in for the recipients' phones: the text of each message the simulator
/// will report delivered, by Twilio SID (the demo page shows a person the code a real phone
/// would have received) and as its number's latest (tests read the code they were sent). In
/// memory only, bounded, each entry kept for `ttl`; never written to disk or to a log.
/// Thread-safe (the simulator writes, HTTP and test threads read).
class sim_inbox {
public:
  using clock = std::chrono::steady_clock;

  /// An inbox of at most `capacity` messages, each kept for `ttl`.
  sim_inbox(std::size_t capacity, std::chrono::milliseconds ttl);

  /// Records message `sid` as delivered to the simulated phone of `e164` (canonical E.164).
  void deliver(const std::string& sid, const std::string& e164, sim_inbox_message message,
               clock::time_point now);

  /// The message `sid` when it was delivered and is still kept.
  std::optional<sim_inbox_message> find(const std::string& sid, clock::time_point now);

  /// The latest message delivered to `e164` when it is still kept.
  std::optional<sim_inbox_message> latest(const std::string& e164, clock::time_point now);

private:
  std::mutex mutex_;
  expiring_map<std::string, sim_inbox_message> messages_; ///< By SID; guarded by mutex_.
  expiring_map<std::string, std::string> latest_;         ///< SID by number; same guard.
};

/// The text a phone shows for a template message: the approved OTP template's wording with
/// variable "1" of `content_variables` (a JSON object), or "" when it has none.
std::string render_otp_template(std::string_view content_variables);

} // namespace verity::net
