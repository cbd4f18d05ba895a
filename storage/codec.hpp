#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "engine/records.hpp"
#include "engine/verification.hpp"

/// The stored form of Verity's records: compact binary, first byte the format version.
///
/// Version 1 layouts (varint = minimal LEB128, time = zigzag varint of Unix milliseconds,
/// text = varint length + bytes, id = 16 raw bytes, flag = byte 0 or 1, enums = one byte):
/// - verification: version, id, phone, preference, fallback, status, created_at, expires_at,
///   wrong_checks, code flag [+ salt(16) + digest(32) when set], message count, message ids,
///   locale; format version 2 appends the channel reason (one byte; a version 1 record derives
///   it: requested for a named channel, else auto_default_whatsapp). The code flag is set only while the status is `pending` or `approved`: an approved
///   code stays confirmable until its lifetime ends (check_ended in engine/verification.hpp);
///   the salt and digest of an expired, locked, canceled or failed verification are never
///   written and decode as zeros.
/// - message: version, id, verification id, to, channel, twilio_sid, seen-status count, then per
///   seen status in ascending order (status, first seen, error code), as_template, tries,
///   create_error. The delivery state is rebuilt by merging one event per seen status. Format
///   version 2 appends the reason it was never sent (one byte, never `none`); a message sent as
///   usual is still written as version 1, so a rollback to a release that reads only version 1
///   loses nothing but those not-sent reasons.
/// - phone (format version 3): version, phone, opted_out, window flag [+ window end], WhatsApp
///   outcome count, per outcome (outcome, time), recent-send count, recent sends,
///   latest-verification flag [+ its id]. Versions 1 and 2, still read, hold a "not on
///   WhatsApp" flag instead of the outcomes (read as one such outcome at the epoch, long
///   decayed: the phone is tried on WhatsApp again); version 1 ends after the recent sends.
/// - history value: version, error code.
/// - idempotency key (format version 2; version 1 held a rendered answer instead of the
///   verification id): version, key, fingerprint, created_at, verification id.
/// Decoders accept exactly what the encoders write: any truncation, unknown version, value out
/// of range or trailing byte is an error naming the offset, never a crash or an overread.
namespace verity::storage {

/// The format version every encoder writes (and the only one the decoders accept), except:
inline constexpr std::uint8_t format_version = 1;

/// The format version of a message whose `not_sent` reason is set (see above).
inline constexpr std::uint8_t message_not_sent_format_version = 2;

/// The format version of phone records (their decoder also reads versions 1 and 2).
inline constexpr std::uint8_t phone_format_version = 3;

/// The first phone format version with the latest verification.
inline constexpr std::uint8_t phone_latest_format_version = 2;

/// The format version of verifications (their decoder also reads version 1).
inline constexpr std::uint8_t verification_format_version = 2;

/// The format version of idempotency keys (their decoder accepts only it).
inline constexpr std::uint8_t idempotency_format_version = 2;

/// Why stored bytes could not be decoded.
using decode_error = std::string;

/// The stored form of a verification (salt and digest left out unless it is pending).
[[nodiscard]] std::string encode(const verification_record& record);

/// The stored form of a message, its delivery state as the list of seen statuses.
[[nodiscard]] std::string encode(const message_record& record);

/// The stored form of a phone record.
[[nodiscard]] std::string encode(const phone_record& record);

/// The stored form of an idempotency key and the verification it started.
[[nodiscard]] std::string encode(const idempotency_record& record);

/// The stored value of one history entry: the error code that came with the status.
[[nodiscard]] std::string encode_history_value(std::uint32_t error_code);

/// Reads a verification written by `encode`.
[[nodiscard]] tl::expected<verification_record, decode_error>
decode_verification(std::string_view bytes);

/// Reads a message written by `encode`.
[[nodiscard]] tl::expected<message_record, decode_error> decode_message(std::string_view bytes);

/// Reads a phone record written by `encode`.
[[nodiscard]] tl::expected<phone_record, decode_error> decode_phone(std::string_view bytes);

/// Reads an idempotency key written by `encode`.
[[nodiscard]] tl::expected<idempotency_record, decode_error>
decode_idempotency(std::string_view bytes);

/// Reads a history value written by `encode_history_value`.
[[nodiscard]] tl::expected<std::uint32_t, decode_error>
decode_history_value(std::string_view bytes);

} // namespace verity::storage
