#include "storage/message_stats.hpp"

#include <algorithm>
#include <chrono>

namespace verity::storage {

namespace {

/// The index of the latency bucket of `ms`.
std::uint32_t bucket_of(std::int64_t ms) {
  auto found = std::lower_bound(latency_bucket_bounds.begin(), latency_bucket_bounds.end(), ms);
  auto index = std::min<std::ptrdiff_t>(found - latency_bucket_bounds.begin(),
                                        latency_bucket_bounds.size() - 1);
  return static_cast<std::uint32_t>(index);
}

/// Calls `add(entry, value)` for every counter `record` contributes to (nothing for a message
/// without any status time).
template <class Add>
void for_each_counter(const message_record& record, Add add) {
  auto created = created_at(record);
  if (!created)
    return;
  stats_entry entry{day_of(*created), record.via, stat_metric::total, 0};
  auto count = [&](stat_metric metric, std::uint32_t arg, std::int64_t value) {
    entry.metric = metric;
    entry.arg = arg;
    add(entry, value);
  };
  auto current = record.delivery.current();
  count(stat_metric::total, 0, 1);
  count(stat_metric::status, static_cast<std::uint32_t>(current), 1);
  if (is_delivered(current))
    count(stat_metric::delivered, 0, 1);
  if (current == delivery_status::read)
    count(stat_metric::read, 0, 1);
  if (is_failure(current))
    count(stat_metric::failed, 0, 1);
  if (is_pending(current))
    count(stat_metric::pending, 0, 1);
  if (auto code = record.error_code(); code != 0)
    count(stat_metric::error_code, code, 1);
  if (auto ms = delivery_ms(record.delivery); ms && is_delivered(current)) {
    count(stat_metric::latency_sum, 0, *ms);
    count(stat_metric::latency_count, 0, 1);
    count(stat_metric::latency_bucket, bucket_of(*ms), 1);
  }
}

/// A counter as an unsigned count (a negative sum, which only a damaged store can hold,
/// reads as 0).
std::uint64_t unsigned_count(std::int64_t value) {
  return static_cast<std::uint64_t>(std::max<std::int64_t>(value, 0));
}

} // namespace

std::optional<timestamp> created_at(const message_record& record) {
  if (auto created = record.delivery.first_seen(delivery_status::created))
    return created;
  std::optional<timestamp> earliest;
  for (std::size_t i = 0; i < delivery_status_count; ++i) {
    auto seen = record.delivery.first_seen(static_cast<delivery_status>(i));
    if (seen && (!earliest || *seen < *earliest))
      earliest = seen;
  }
  return earliest;
}

std::int32_t day_of(timestamp at) {
  return static_cast<std::int32_t>(
    std::chrono::floor<std::chrono::days>(at).time_since_epoch().count());
}

std::optional<std::string> phone_messages_key_of(const message_record& record) {
  auto created = created_at(record);
  if (!created)
    return std::nullopt;
  return phone_message_key(record.to, *created, record.id);
}

void count_message(counter_deltas& out, const message_record& record, std::int64_t sign) {
  for_each_counter(record, [&](const stats_entry& entry, std::int64_t value) {
    out[stats_key(entry)] += sign * value;
  });
}

void stats_tally::add(const stats_entry& entry, std::int64_t value) {
  auto& counters = channels_[static_cast<std::size_t>(entry.via)];
  switch (entry.metric) {
    case stat_metric::total: counters.total += value; break;
    case stat_metric::delivered: counters.delivered += value; break;
    case stat_metric::read: counters.read += value; break;
    case stat_metric::failed: counters.failed += value; break;
    case stat_metric::pending: counters.pending += value; break;
    case stat_metric::latency_sum: counters.latency_sum += value; break;
    case stat_metric::latency_count: counters.latency_count += value; break;
    case stat_metric::latency_bucket:
      if (entry.arg < counters.buckets.size())
        counters.buckets[entry.arg] += value;
      break;
    case stat_metric::status:
      if (entry.arg < delivery_status_count)
        statuses_[static_cast<delivery_status>(entry.arg)] += value;
      break;
    case stat_metric::error_code: error_codes_[entry.arg] += value; break;
  }
}

void stats_tally::add(const message_record& record) {
  for_each_counter(record, [this](const stats_entry& entry, std::int64_t value) {
    add(entry, value);
  });
}

stats_report stats_tally::report(std::uint32_t days) const {
  stats_report out;
  out.window_days = days;
  for (std::size_t i = 0; i < channel_count; ++i) {
    const auto& counters = channels_[i];
    auto& stats = out.channels[i];
    stats.total = unsigned_count(counters.total);
    stats.delivered = unsigned_count(counters.delivered);
    stats.read = unsigned_count(counters.read);
    stats.failed = unsigned_count(counters.failed);
    stats.pending = unsigned_count(counters.pending);
    if (counters.latency_count <= 0)
      continue;
    stats.avg_delivery_ms = static_cast<double>(counters.latency_sum)
                            / static_cast<double>(counters.latency_count);
    auto rank = (counters.latency_count * 95 + 99) / 100; // ceil(0.95 * count)
    std::int64_t seen = 0;
    for (std::size_t b = 0; b < counters.buckets.size(); ++b) {
      seen += counters.buckets[b];
      stats.p95_delivery_ms = latency_bucket_bounds[b];
      if (seen >= rank)
        break;
    }
  }
  for (const auto& [status, count] : statuses_)
    if (count > 0)
      out.status_breakdown[status] = unsigned_count(count);
  for (const auto& [code, count] : error_codes_)
    if (count > 0)
      out.error_codes[code] = unsigned_count(count);
  return out;
}

} // namespace verity::storage
