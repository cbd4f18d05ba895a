#pragma once

#include <map>
#include <string>

#include <tl/expected.hpp>

#include "engine/records.hpp"
#include "storage/database.hpp"

namespace rocksdb {
class WriteBatch;
} // namespace rocksdb

/// How a `write_batch` maps onto RocksDB puts and deletes.
namespace verity::storage {

/// Messages a group commit has taken but not yet written, by id: the latest version of each.
using pending_messages = std::map<message_id, message_record>;

/// Appends the writes of `batch` to `out`:
/// - a verification goes to `verifications` and `created`; it is put into `in_flight` while
///   pending and deleted from it otherwise (its salt and digest are dropped then, see codec);
/// - a message goes to `messages`, one `history` entry per seen status, and `twilio_sids`
///   once its SID is known (history entries are only ever added: should a status be seen
///   earlier than first stored, the older entry stays; the message record is the authority);
///   it also goes to `phone_messages` (by recipient and creation time), and the `stats`
///   counters get the difference between its counts and those of the version it replaces
///   (found earlier in `batch`, else in `pending`, else read from `db`), so that repeated and
///   out-of-order states count once;
/// - a phone record goes to `phones`;
/// - an idempotency answer goes to `idempotency` under its scoped key.
/// Returns RocksDB's reason when reading a replaced message fails or `out` refuses a write
/// (then `out` holds part of the batch: callers wrap this call in a save point).
[[nodiscard]] tl::expected<void, std::string> append(database& db, const write_batch& batch,
                                                     const pending_messages& pending,
                                                     rocksdb::WriteBatch& out);

} // namespace verity::storage
