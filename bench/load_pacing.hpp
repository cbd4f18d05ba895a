#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace verity::bench {

/// The clock every load figure is measured on.
using load_clock = std::chrono::steady_clock;

/// One request the schedule allows: its sequence number and the time it was meant to leave.
struct send_slot {
  std::uint64_t sequence = 0;      ///< Unique across the run (see `send_schedule`).
  load_clock::time_point intended; ///< Latency is measured from here, not from the actual send.
};

/// Hands out send slots for one thread's connections. Open loop (`rate` > 0): slot k is meant
/// for `start + k / rate`, whether or not a connection is free then, so a stalled server shows
/// up as latency instead of as fewer requests (no coordinated omission). Closed loop (`rate`
/// 0): a slot is meant for the moment it is taken. Slots stop at `end` or after `limit`.
/// Sequence numbers are `first + k * stride`, so threads sharing one run never collide.
class send_schedule {
public:
  /// A schedule starting at `start`; `limit` 0 means no limit on the count.
  send_schedule(load_clock::time_point start, load_clock::time_point end, double rate,
                std::uint64_t limit, std::uint64_t first, std::uint64_t stride);

  /// The next slot, or nothing once the run is over.
  std::optional<send_slot> take(load_clock::time_point now);

  /// Slots an open-loop run meant to send before `end` but never handed out (the backlog
  /// left when the server could not keep up); 0 in closed loop.
  std::uint64_t missed(load_clock::time_point end) const;

  /// Slots handed out so far.
  std::uint64_t taken() const { return taken_; }

private:
  load_clock::time_point start_;
  load_clock::time_point end_;
  double rate_;
  std::uint64_t limit_;
  std::uint64_t first_;
  std::uint64_t stride_;
  std::uint64_t taken_ = 0;
};

} // namespace verity::bench
