#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "engine/stats.hpp"
#include "engine/verification.hpp"
#include "storage/keys.hpp"

/// How a message counts in the `stats` column family (see engine/stats.hpp for the meaning of
/// each count). The writer stores, per message change, the counters of the new record minus
/// those of the record it replaces, so each message counts exactly once whatever the order and
/// repetition of its callbacks.
namespace verity::storage {

/// Upper bounds (ms) of the delivery latency buckets; the last bucket also takes everything
/// above its bound.
inline constexpr std::array<std::int64_t, 10> latency_bucket_bounds = {
  250, 500, 1'000, 2'000, 5'000, 10'000, 30'000, 60'000, 120'000, 300'000,
};

/// When a message was created: the first time `created` was seen, else the earliest status
/// seen; nullopt for a message with no status time at all (it is not counted).
[[nodiscard]] std::optional<timestamp> created_at(const message_record& record);

/// The UTC day of `at`, in days since the Unix epoch.
[[nodiscard]] std::int32_t day_of(timestamp at);

/// The `phone_messages` key of a message (recipient, creation time, id); nullopt when it has
/// no creation time.
[[nodiscard]] std::optional<std::string> phone_messages_key_of(const message_record& record);

/// Counter changes by `stats` key.
using counter_deltas = std::map<std::string, std::int64_t>;

/// Adds `sign` (1 to count a record, -1 to uncount the one it replaces) to every counter
/// `record` contributes to.
void count_message(counter_deltas& out, const message_record& record, std::int64_t sign);

/// Sums counters (read from `stats` or computed from messages) into a report.
class stats_tally {
public:
  /// Adds `value` to the counter `entry` names (its day is not looked at).
  void add(const stats_entry& entry, std::int64_t value);

  /// Adds the counters of one message.
  void add(const message_record& record);

  /// The report of what was added, for a window of `days`.
  [[nodiscard]] stats_report report(std::uint32_t days) const;

private:
  /// The raw counters of one channel.
  struct channel_counters {
    std::int64_t total = 0;
    std::int64_t delivered = 0;
    std::int64_t read = 0;
    std::int64_t failed = 0;
    std::int64_t pending = 0;
    std::int64_t latency_sum = 0;
    std::int64_t latency_count = 0;
    std::array<std::int64_t, latency_bucket_bounds.size()> buckets{};
  };

  std::array<channel_counters, channel_count> channels_{};
  std::map<delivery_status, std::int64_t> statuses_;
  std::map<std::uint32_t, std::int64_t> error_codes_;
};

} // namespace verity::storage
