#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/delivery_status.hpp"
#include "engine/id.hpp"

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
