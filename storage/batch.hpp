#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "engine/records.hpp"
#include "storage/database.hpp"

namespace rocksdb {
class WriteBatch;
} // namespace rocksdb

/// How a `write_batch` maps onto RocksDB puts and deletes.
namespace verity::storage {

/// The one key a readiness probe writes, in RocksDB's default column family.
inline constexpr std::string_view readiness_probe_key = "readyz";

/// Appends the writes of `batch` to `out`:
/// - a verification goes to `verifications` and `created`; it is put into `in_flight` while
///   pending and deleted from it otherwise (its salt and digest are dropped then, see codec);
/// - a message goes to `messages`, one `history` entry per seen status, and `twilio_sids`
///   once its SID is known (history entries are only ever added: should a status be seen
///   earlier than first stored, the older entry stays; the message record is the authority);
///   it also goes to `phone_messages` (by recipient and creation time), and the `stats`
///   counters get the difference between its counts and those of the version it replaces
///   (`message_write::previous`, none for a new message), so that repeated and out-of-order
///   states count once as long as every write names the version stored before it;
/// - a phone record goes to `phones`;
/// - an idempotency answer goes to `idempotency` under its scoped key;
/// - a readiness probe puts its time (milliseconds since the epoch, as text) under
///   `readiness_probe_key` in RocksDB's default column family, overwriting the last one.
/// Nothing is read. Returns RocksDB's reason when `out` refuses a write (then `out` holds part
/// of the batch: callers wrap this call in a save point).
[[nodiscard]] tl::expected<void, std::string> append(database& db, const write_batch& batch,
                                                     rocksdb::WriteBatch& out);

} // namespace verity::storage
