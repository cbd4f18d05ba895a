#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/rate_limit.hpp"
#include "engine/units.hpp"
#include "engine/verification.hpp"

namespace verity {

/// The abuse limits every outbound send passes, against SMS pumping (fraudsters making a
/// verification endpoint text premium or unused number ranges they are paid for).
struct send_guard_limits {
  rate_limit prefix;                      ///< Sends per number prefix (VERITY_PREFIX_LIMIT).
  std::chrono::milliseconds cooldown{};   ///< Breaker open time (VERITY_PREFIX_COOLDOWN).
  rate_limit country;                     ///< Sends per country code (VERITY_COUNTRY_LIMIT).
};

/// A send made before a restart (a stored message that passed the limits), replayed into a new
/// send guard so that a restart does not reset the limits.
struct past_send {
  std::string to; ///< E.164 of the recipient.
  timestamp at;   ///< When the message was created.
};

/// Why a send was refused.
enum class send_refusal {
  none,           ///< Not refused.
  prefix_breaker, ///< The prefix's circuit breaker is open.
  prefix_limit,   ///< The prefix went over its limit just now: its breaker opens.
  country_limit,  ///< The country code is over its limit.
};

/// The lower-case name of a refusal, e.g. "prefix_breaker" (a metric label value).
std::string_view to_string(send_refusal refusal);

/// A send guard's answer.
struct send_verdict {
  send_refusal refusal = send_refusal::none;
  std::chrono::milliseconds retry_after{0}; ///< 0 when allowed.

  /// True when the send may go out.
  bool allowed() const noexcept { return refusal == send_refusal::none; }
};

/// Counts sends per number prefix (country code + 3 digits) and per country code, and keeps a
/// circuit breaker per prefix: a prefix that goes over its limit is a spike (a pumping run
/// walks a number range), so every send to it is refused for the cooldown instead of trickling
/// out again as the window slides. A send refused by the country limit still counts for its
/// prefix, which errs towards refusing. Memory follows the active prefixes (`purge`). Not
/// thread-safe: one actor owns it.
class send_guard {
public:
  using clock = sliding_window_counter::clock;

  explicit send_guard(const send_guard_limits& limits);

  /// Counts one send to `e164` at `now` if every limit admits it.
  send_verdict try_acquire(std::string_view e164, clock::time_point now);

  /// Drops idle counters and closed breakers.
  void purge(clock::time_point now);

  /// Number of prefixes whose breaker is open at `now`.
  std::size_t open_breakers(clock::time_point now) const;

private:
  /// The time left before `prefix`'s breaker closes, or 0 when it is closed.
  std::chrono::milliseconds breaker_time_left(const std::string& prefix,
                                              clock::time_point now) const;

  std::chrono::milliseconds cooldown_;
  keyed_rate_limiter<std::string> prefixes_;
  keyed_rate_limiter<std::string> countries_;
  std::unordered_map<std::string, clock::time_point> open_until_; ///< Open breakers.
};

} // namespace verity
