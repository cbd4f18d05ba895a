#pragma once

#include <chrono>
#include <cstdint>
#include <unordered_map>

namespace verity {

/// The answer of a rate limiter: allowed, or refused with the time until a retry can succeed.
struct rate_decision {
  bool allowed = false;
  std::chrono::milliseconds retry_after{0}; ///< 0 when allowed.
};

/// A sliding-window counter: at most `limit` events in any `window`, estimated from the count
/// of the current fixed window plus the previous window's count weighted by how much of it the
/// sliding window still covers. O(1) memory and time; not thread-safe by design (one actor owns
/// it, so it needs no locks).
class sliding_window_counter {
public:
  using clock = std::chrono::steady_clock;

  /// A counter that admits `limit` events per `window` (`limit` 0 admits nothing).
  sliding_window_counter(std::uint32_t limit, std::chrono::milliseconds window);

  /// Counts one event at `now` if it fits, else refuses it and says how long to wait.
  rate_decision try_acquire(clock::time_point now);

  /// The estimated number of events in the window ending at `now`.
  double estimate(clock::time_point now) const;

  /// True when the counter holds nothing that still counts at `now` (it can be dropped).
  bool idle(clock::time_point now) const;

private:
  /// Moves the fixed windows forward so that `now` falls in the current one.
  void roll(clock::time_point now);

  /// This counter as it will be once rolled forward to `now`.
  sliding_window_counter rolled(clock::time_point now) const;

  /// How long after `now` the estimate first drops below the limit.
  std::chrono::milliseconds time_until_free(clock::time_point now) const;

  std::uint32_t limit_;
  std::chrono::milliseconds window_;
  clock::time_point window_start_{}; ///< Fixed windows are aligned to the clock's epoch.
  std::uint32_t previous_count_ = 0;
  std::uint32_t current_count_ = 0;
};

/// Sliding-window counters by key (a phone, a number prefix, a client address), created on
/// first use and dropped by `purge` once idle, so memory follows the active keys only.
template <class Key>
class keyed_rate_limiter {
public:
  using clock = sliding_window_counter::clock;

  /// Limits every key to `limit` events per `window`.
  keyed_rate_limiter(std::uint32_t limit, std::chrono::milliseconds window)
    : limit_(limit), window_(window) {
  }

  /// Counts one event for `key` at `now` if it fits.
  rate_decision try_acquire(const Key& key, clock::time_point now) {
    auto [slot, inserted] = counters_.try_emplace(key, limit_, window_);
    return slot->second.try_acquire(now);
  }

  /// Drops every counter that no longer holds anything at `now`.
  void purge(clock::time_point now) {
    std::erase_if(counters_, [now](auto& entry) { return entry.second.idle(now); });
  }

  /// Number of keys currently tracked.
  std::size_t size() const noexcept { return counters_.size(); }

private:
  std::uint32_t limit_;
  std::chrono::milliseconds window_;
  std::unordered_map<Key, sliding_window_counter> counters_;
};

} // namespace verity
