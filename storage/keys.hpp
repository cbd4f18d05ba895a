#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/delivery_status.hpp"
#include "engine/id.hpp"
#include "engine/verification.hpp"

/// The keys of every column family. Ids are their 16 raw bytes; times are big-endian 8-byte
/// fields with the sign bit flipped, so that byte order equals numeric order (negative times
/// included); texts (SIDs, phones) are stored as they are.
namespace verity::storage {

/// Size of a time field inside a key.
inline constexpr std::size_t time_key_size = 8;

/// Size of a `created` key: time, verification id.
inline constexpr std::size_t created_key_size = time_key_size + 16;

/// Key of a verification record, and of its entry in the in-flight set.
[[nodiscard]] std::string verification_key(const verification_id& id);

/// Key of a message record; also the prefix of all its history keys.
[[nodiscard]] std::string message_key(const message_id& id);

/// Key of one history entry: the message, then when `status` was first seen, then the status.
[[nodiscard]] std::string history_key(const message_id& id, timestamp at, delivery_status status);

/// Key of a verification in the `created` index: creation time first, so keys sort by time.
[[nodiscard]] std::string created_key(timestamp created_at, const verification_id& id);

/// Key of the Twilio-SID index: the SID text ("SM...").
[[nodiscard]] std::string twilio_sid_key(std::string_view sid);

/// Key of a phone record: the E.164 text.
[[nodiscard]] std::string phone_key(std::string_view phone);

/// Key of a stored idempotency answer: its scoped key.
[[nodiscard]] std::string idempotency_key(std::string_view scoped_key);

/// What a `stats` counter counts. Never reorder: the values are stored.
enum class stat_metric : std::uint8_t {
  total,          ///< Messages created.
  delivered,      ///< Messages delivered or read.
  read,           ///< Messages read.
  failed,         ///< Messages with a failure outcome.
  pending,        ///< Messages without outcome.
  status,         ///< Messages whose current status is the key's argument.
  error_code,     ///< Messages whose error code is the key's argument.
  latency_sum,    ///< Sum of `delivery_ms` of delivered messages.
  latency_count,  ///< Delivered messages with a `delivery_ms`.
  latency_bucket, ///< Delivered messages in the latency bucket of the key's argument.
};

/// Size of a `stats` key: day (4), channel (1), metric (1), argument (4).
inline constexpr std::size_t stats_key_size = 10;

/// A `stats` key taken apart.
struct stats_entry {
  std::int32_t day = 0;     ///< Days since the Unix epoch (UTC).
  channel via = channel::whatsapp;
  stat_metric metric = stat_metric::total;
  std::uint32_t arg = 0;    ///< The status, error code or bucket; 0 for the others.
};

/// Key of a counter: the day first (order-preserving), so a window of days is one range.
[[nodiscard]] std::string stats_key(const stats_entry& entry);

/// The first `stats` key of `day` (every counter of day `day` sorts at or after it).
[[nodiscard]] std::string stats_day_key(std::int32_t day);

/// Takes a `stats` key apart; nullopt unless its size and enums are valid.
[[nodiscard]] std::optional<stats_entry> parse_stats_key(std::string_view key);

/// Prefix of every `phone_messages` key of a phone: the E.164 text and a 0 byte.
[[nodiscard]] std::string phone_messages_prefix(std::string_view phone);

/// Key of a message in the `phone_messages` index: prefix, creation time, message id.
[[nodiscard]] std::string phone_message_key(std::string_view phone, timestamp created_at,
                                            const message_id& id);

/// A `phone_messages` key taken apart (after its prefix).
struct phone_message_entry {
  timestamp created_at;
  message_id id;
};

/// Takes apart what follows the prefix of a `phone_messages` key; nullopt unless it has
/// exactly the right size.
[[nodiscard]] std::optional<phone_message_entry> parse_phone_message_suffix(
  std::string_view suffix);

/// A time as an order-preserving 8-byte big-endian field.
[[nodiscard]] std::string encode_time(timestamp at);

/// Reads a verification id from a verification or in-flight key (exactly 16 bytes).
[[nodiscard]] std::optional<verification_id> parse_verification_key(std::string_view key);

/// Reads a message id from a message key or a SID-index value (exactly 16 bytes).
[[nodiscard]] std::optional<message_id> parse_message_key(std::string_view key);

/// A `created` key taken apart.
struct created_entry {
  timestamp created_at;
  verification_id id;
};

/// Takes a `created` key apart; nullopt unless it has exactly the right size.
[[nodiscard]] std::optional<created_entry> parse_created_key(std::string_view key);

} // namespace verity::storage
