#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace verity::storage {

/// The column families of Verity's RocksDB. The numeric values index `column_family_names` and
/// the handle table: never reorder, only append.
enum class column_family : std::uint8_t {
  verifications, ///< Verification records by id.
  messages,      ///< Message records by id.
  history,       ///< Status history by message id and time.
  phones,        ///< Per-phone state: limits, opt-out, WhatsApp window and reachability.
  twilio_sids,   ///< Twilio message SID -> message id.
  idempotency,   ///< Idempotency keys (kept 24 hours).
  in_flight,     ///< Verifications with live work, scanned by recovery on start.
  created,       ///< Verification ids by creation time, walked by retention oldest first.
  stats,         ///< Delivery counters by day, channel and metric (merged as int64 sums).
  phone_messages, ///< Message ids by phone and creation time, for per-phone stats.
};

/// Number of column families Verity uses (RocksDB's own "default" family comes on top).
inline constexpr std::size_t column_family_count = 10;

/// The names stored on disk, indexed by `column_family`.
inline constexpr std::array<std::string_view, column_family_count> column_family_names = {
  "verifications", "messages", "history", "phones", "twilio_sids", "idempotency", "in_flight",
  "created", "stats", "phone_messages",
};

} // namespace verity::storage
