#include "storage/stats_reads.hpp"

#include <algorithm>
#include <memory>

#include <rocksdb/db.h>
#include <rocksdb/snapshot.h>

#include "storage/counter_merge.hpp"
#include "storage/keys.hpp"
#include "storage/message_stats.hpp"
#include "storage/reads.hpp"

namespace verity::storage {

namespace {

/// The first UTC day of a window of `days` ending with the day of `now`.
std::int32_t first_day(std::uint32_t days, timestamp now) {
  auto length = static_cast<std::int32_t>(std::clamp<std::uint32_t>(days, 1, 100'000));
  return day_of(now) - (length - 1);
}

/// The start of UTC day `day`.
timestamp start_of(std::int32_t day) {
  return timestamp{std::chrono::sys_days{std::chrono::days{day}}};
}

/// An iterator's failure as a sentence, or "" when it ended normally.
std::string failure_of(const rocksdb::Iterator& it, std::string_view family) {
  if (it.status().ok())
    return {};
  return "scanning " + std::string{family} + " failed: " + it.status().ToString();
}

} // namespace

tl::expected<stats_report, std::string> read_platform_stats(database& db,
                                                            const stats_query& query) {
  auto lower = stats_day_key(first_day(query.days, query.now));
  auto upper = stats_day_key(day_of(query.now) + 1);
  stats_tally tally;
  std::unique_ptr<rocksdb::Iterator> it{db.db().NewIterator({}, &db.handle(column_family::stats))};
  for (it->Seek(lower); it->Valid() && it->key().ToStringView() < upper; it->Next()) {
    auto entry = parse_stats_key(it->key().ToStringView());
    auto value = decode_counter(it->value().ToStringView());
    if (!entry || !value)
      return tl::unexpected(std::string{"a stored stats counter is corrupt"});
    tally.add(*entry, *value);
  }
  if (auto failure = failure_of(*it, "stats"); !failure.empty())
    return tl::unexpected(failure);
  return tally.report(std::max<std::uint32_t>(query.days, 1));
}

tl::expected<phone_stats_report, std::string> read_phone_stats(database& db,
                                                               const phone_stats_query& query) {
  rocksdb::ManagedSnapshot snapshot{&db.db()};
  rocksdb::ReadOptions options;
  options.snapshot = snapshot.snapshot();
  auto prefix = phone_messages_prefix(query.phone);
  auto since = start_of(first_day(query.days, query.now));
  auto upper = prefix + encode_time(start_of(day_of(query.now) + 1));
  stats_tally tally;
  phone_stats_report report;
  std::size_t scanned = 0;
  std::unique_ptr<rocksdb::Iterator> it{
    db.db().NewIterator(options, &db.handle(column_family::phone_messages))};
  for (it->SeekForPrev(upper);
       it->Valid() && it->key().starts_with(prefix) && scanned < phone_stats_scan_limit;
       it->Prev(), ++scanned) {
    auto entry = parse_phone_message_suffix(it->key().ToStringView().substr(prefix.size()));
    if (!entry)
      return tl::unexpected("a phone_messages entry of " + query.phone + " is corrupt");
    if (entry->created_at < since)
      break;
    auto message = read_message(db, entry->id, snapshot.snapshot());
    if (!message)
      return tl::unexpected(std::move(message.error()));
    if (!*message)
      return tl::unexpected("message " + entry->id.to_string() + " listed for a phone is missing");
    tally.add(**message);
    if (report.recent.size() < phone_recent_limit)
      report.recent.push_back(std::move(**message));
  }
  if (auto failure = failure_of(*it, "phone_messages"); !failure.empty())
    return tl::unexpected(failure);
  report.stats = tally.report(std::max<std::uint32_t>(query.days, 1));
  return report;
}

} // namespace verity::storage
