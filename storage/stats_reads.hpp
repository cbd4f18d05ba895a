#pragma once

#include <cstddef>
#include <string>

#include <tl/expected.hpp>

#include "engine/stats.hpp"
#include "storage/database.hpp"

/// Reads of delivery statistics: platform counters from `stats`, one phone's from its recent
/// messages through `phone_messages`. Like every synchronous read they block on disk: call
/// them only from storage's own threads.
namespace verity::storage {

/// Most messages of one phone a phone report looks at (its newest in the window).
inline constexpr std::size_t phone_stats_scan_limit = 1000;

/// Most messages a phone report lists in `recent`.
inline constexpr std::size_t phone_recent_limit = 20;

/// Sums the counters of the `query.days` UTC days ending with the day of `query.now` (days 0
/// counts as 1). Returns RocksDB's reason, or names the corrupt counter, when reading fails.
[[nodiscard]] tl::expected<stats_report, std::string> read_platform_stats(
  database& db, const stats_query& query);

/// The report of the phone's messages created in the same window (at most
/// `phone_stats_scan_limit`, newest first), from one consistent snapshot. Returns RocksDB's
/// reason, or names the corrupt or missing record, when reading fails.
[[nodiscard]] tl::expected<phone_stats_report, std::string> read_phone_stats(
  database& db, const phone_stats_query& query);

} // namespace verity::storage
