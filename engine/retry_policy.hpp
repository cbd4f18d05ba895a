#pragma once

#include <chrono>
#include <optional>

namespace verity {

/// Exponential backoff with full jitter, bounded by a deadline: the delay before retry `n`
/// (0-based) is uniform in [0, min(cap, base * 2^n)], and no retry is planned that would start
/// at or after the deadline (for Verity: the end of the code's lifetime).
///
/// The defaults are twilio-node's own retry schedule (100 ms doubling, capped at 3 s).
struct retry_policy {
  std::chrono::milliseconds base{100};
  std::chrono::milliseconds cap{3000};

  /// The largest delay retry `n` may wait: min(cap, base * 2^n), without overflow.
  std::chrono::milliseconds ceiling(unsigned retry) const;

  /// The jittered delay before retry `n`. `unit_random` is a uniform draw from [0, 1): the
  /// caller owns the random source, so tests can pin it.
  std::chrono::milliseconds delay(unsigned retry, double unit_random) const;

  /// The delay before retry `n` when `remaining` time is left before the deadline, or
  /// `std::nullopt` when the retry would not start in time. `at_least` raises the delay (a
  /// server's Retry-After) before it is checked against the deadline.
  std::optional<std::chrono::milliseconds>
  next_delay(unsigned retry, std::chrono::milliseconds remaining, double unit_random,
             std::chrono::milliseconds at_least = std::chrono::milliseconds{0}) const;
};

} // namespace verity
