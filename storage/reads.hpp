#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "engine/records.hpp"
#include "engine/verification.hpp"
#include "storage/backend.hpp"
#include "storage/database.hpp"

namespace rocksdb {
class Snapshot;
} // namespace rocksdb

/// Synchronous point reads of stored records, shared by the reader actor, recovery and
/// retention. They block on disk: call them only from storage's own threads (or before the
/// actor system starts).
namespace verity::storage {

/// Reads one verification record.
[[nodiscard]] read_result<verification_record> read_verification(database& db,
                                                                  const verification_id& id);

/// Reads one message record, as of `snapshot` when one is given.
[[nodiscard]] read_result<message_record> read_message(database& db, const message_id& id,
                                                       const rocksdb::Snapshot* snapshot = nullptr);

/// Reads a verification and every message it lists, from one consistent snapshot. A listed
/// message that is missing is a failure: a verification is persisted with its messages.
[[nodiscard]] read_result<verification_view> read_view(database& db, const verification_id& id);

/// Finds the message a Twilio SID belongs to.
[[nodiscard]] read_result<message_id> read_sid(database& db, std::string_view sid);

/// Reads the stored record of a phone (E.164).
[[nodiscard]] read_result<phone_record> read_phone(database& db, std::string_view phone);

/// Reads the stored answer of a scoped idempotency key, whatever its age.
[[nodiscard]] read_result<idempotency_record> read_idempotency(database& db,
                                                               std::string_view scoped_key);

} // namespace verity::storage
