#include "storage/reads.hpp"

#include <rocksdb/db.h>
#include <rocksdb/snapshot.h>

#include "storage/codec.hpp"
#include "storage/keys.hpp"

namespace verity::storage {

namespace {

/// The on-disk name of a column family, for messages.
std::string name_of(column_family family) {
  return std::string{column_family_names[static_cast<std::size_t>(family)]};
}

/// The raw value under `key`, nullopt when absent.
read_result<std::string> get(database& db, column_family family, const std::string& key,
                             const rocksdb::ReadOptions& options = {}) {
  std::string value;
  auto status = db.db().Get(options, &db.handle(family), key, &value);
  if (status.IsNotFound())
    return std::nullopt;
  if (!status.ok())
    return tl::unexpected("reading " + name_of(family) + " failed: " + status.ToString());
  return value;
}

/// Reads and decodes the value under `key` with `decode`.
template <class Decode>
auto get_decoded(database& db, column_family family, const std::string& key, Decode decode,
                 const rocksdb::ReadOptions& options = {})
  -> read_result<typename decltype(decode(std::string_view{}))::value_type> {
  auto raw = get(db, family, key, options);
  if (!raw)
    return tl::unexpected(std::move(raw.error()));
  if (!*raw)
    return std::nullopt;
  auto record = decode(**raw);
  if (!record)
    return tl::unexpected("stored " + name_of(family) + " record is corrupt: " + record.error());
  return std::move(*record);
}

} // namespace

read_result<verification_record> read_verification(database& db, const verification_id& id) {
  return get_decoded(db, column_family::verifications, verification_key(id),
                     decode_verification);
}

read_result<message_record> read_message(database& db, const message_id& id,
                                         const rocksdb::Snapshot* snapshot) {
  rocksdb::ReadOptions options;
  options.snapshot = snapshot;
  return get_decoded(db, column_family::messages, message_key(id), decode_message, options);
}

read_result<verification_view> read_view(database& db, const verification_id& id) {
  rocksdb::ManagedSnapshot snapshot{&db.db()};
  rocksdb::ReadOptions options;
  options.snapshot = snapshot.snapshot();
  auto verification = get_decoded(db, column_family::verifications, verification_key(id),
                                  decode_verification, options);
  if (!verification)
    return tl::unexpected(std::move(verification.error()));
  if (!*verification)
    return std::nullopt;
  verification_view view{std::move(**verification), {}};
  for (const auto& message : view.verification.messages) {
    auto attempt = get_decoded(db, column_family::messages, message_key(message),
                               decode_message, options);
    if (!attempt)
      return tl::unexpected(attempt.error());
    if (!*attempt)
      return tl::unexpected("message " + message.to_string() + " of verification "
                            + id.to_string() + " is missing");
    view.attempts.push_back(std::move(**attempt));
  }
  return view;
}

read_result<message_id> read_sid(database& db, std::string_view sid) {
  auto raw = get(db, column_family::twilio_sids, twilio_sid_key(sid));
  if (!raw)
    return tl::unexpected(std::move(raw.error()));
  if (!*raw)
    return std::nullopt;
  auto id = parse_message_key(**raw);
  if (!id)
    return tl::unexpected("stored message id of SID " + std::string{sid} + " is corrupt");
  return *id;
}

read_result<phone_record> read_phone(database& db, std::string_view phone) {
  return get_decoded(db, column_family::phones, phone_key(phone), decode_phone);
}

read_result<idempotency_record> read_idempotency(database& db, std::string_view scoped_key) {
  return get_decoded(db, column_family::idempotency, idempotency_key(scoped_key),
                     decode_idempotency);
}

} // namespace verity::storage
