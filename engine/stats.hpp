#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/delivery_status.hpp"
#include "engine/verification.hpp"

/// Delivery statistics as plain data: what storage counts and the stats routes render.
///
/// Every message counts once, in the UTC day it was created, by its current delivery status:
/// `delivered` when the carrier confirmed it (`delivered` or `read`), `read` when it was read,
/// `failed` for an outcome that means it did not arrive (`failed`, `undelivered`, `canceled`,
/// `timed_out`, `partially_delivered`: see `is_failure`), `pending` while no outcome is known.
/// A later, stronger status moves the message between these counts (a `delivered` after a
/// `timed_out` stops counting as failed), so they always describe the current state.
namespace verity {

/// Number of `channel` values.
inline constexpr std::size_t channel_count = 2;

/// The counts of one channel.
struct channel_stats {
  std::uint64_t total = 0;     ///< Messages created.
  std::uint64_t delivered = 0; ///< Delivered or read.
  std::uint64_t read = 0;      ///< Read (WhatsApp).
  std::uint64_t failed = 0;    ///< A failure outcome (see above).
  std::uint64_t pending = 0;   ///< No outcome yet.
  double avg_delivery_ms = 0;  ///< Mean of `delivery_ms` over delivered messages, 0 if none.
  /// Upper bound of the latency bucket that holds the 95th percentile of `delivery_ms`
  /// (an estimate from a fixed histogram), 0 if no message was delivered.
  std::int64_t p95_delivery_ms = 0;
};

/// Delivery statistics over a window of days.
struct stats_report {
  std::uint32_t window_days = 0;                       ///< Today (UTC) and the days before.
  std::array<channel_stats, channel_count> channels{}; ///< Indexed by `channel`.
  std::map<delivery_status, std::uint64_t> status_breakdown; ///< Messages by current status.
  std::map<std::uint32_t, std::uint64_t> error_codes;  ///< Messages by Twilio error code.
};

/// Delivery statistics of one phone, with its latest messages.
struct phone_stats_report {
  stats_report stats;                 ///< Over the phone's messages in the window.
  std::vector<message_record> recent; ///< Its latest messages in the window, newest first.
};

/// A request for platform statistics.
struct stats_query {
  std::uint32_t days = 1; ///< Window length: today (the UTC day of `now`) and the days before.
  timestamp now;          ///< The time the window ends.
};

/// A request for one phone's statistics.
struct phone_stats_query {
  std::string phone;      ///< E.164.
  std::uint32_t days = 1; ///< Window length, as in `stats_query`.
  timestamp now;          ///< The time the window ends.
};

} // namespace verity
