#include "storage/batch.hpp"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "storage/codec.hpp"
#include "storage/counter_merge.hpp"
#include "storage/keys.hpp"
#include "storage/message_stats.hpp"

namespace verity::storage {

namespace {

/// Collects the first failed RocksDB status of a sequence of writes.
class batch_writer {
public:
  batch_writer(database& db, rocksdb::WriteBatch& out) : db_(db), out_(out) {}

  void put(column_family family, const std::string& key, const std::string& value) {
    keep(out_.Put(&db_.handle(family), key, value));
  }

  /// Puts into RocksDB's default column family, which holds no record of Verity's.
  void put_default(const std::string& key, const std::string& value) {
    keep(out_.Put(db_.db().DefaultColumnFamily(), key, value));
  }

  void erase(column_family family, const std::string& key) {
    keep(out_.Delete(&db_.handle(family), key));
  }

  void merge(column_family family, const std::string& key, const std::string& operand) {
    keep(out_.Merge(&db_.handle(family), key, operand));
  }

  [[nodiscard]] tl::expected<void, std::string> result() const {
    if (!status_.ok())
      return tl::unexpected("cannot add to the write batch: " + status_.ToString());
    return {};
  }

private:
  void keep(const rocksdb::Status& status) {
    if (status_.ok())
      status_ = status;
  }

  database& db_;
  rocksdb::WriteBatch& out_;
  rocksdb::Status status_;
};

void add(batch_writer& out, const verification_record& record) {
  auto key = verification_key(record.id);
  out.put(column_family::verifications, key, encode(record));
  out.put(column_family::created, created_key(record.created_at, record.id), {});
  if (record.status == verification_status::pending)
    out.put(column_family::in_flight, key, {});
  else
    out.erase(column_family::in_flight, key);
}

/// Stores a message replacing `previous` (nullopt for a new one): the record, its history,
/// its SID entry, its `phone_messages` entry, and the change of the `stats` counters from
/// `previous` to `record`.
void add(batch_writer& out, const message_record& record,
         const std::optional<message_record>& previous) {
  out.put(column_family::messages, message_key(record.id), encode(record));
  for (std::size_t i = 0; i < delivery_status_count; ++i) {
    auto status = static_cast<delivery_status>(i);
    if (auto at = record.delivery.first_seen(status))
      out.put(column_family::history, history_key(record.id, *at, status),
              encode_history_value(record.delivery.error_code_of(status)));
  }
  if (!record.twilio_sid.empty())
    out.put(column_family::twilio_sids, twilio_sid_key(record.twilio_sid),
            message_key(record.id));
  auto index_key = phone_messages_key_of(record);
  auto old_index_key = previous ? phone_messages_key_of(*previous) : std::nullopt;
  if (old_index_key && old_index_key != index_key)
    out.erase(column_family::phone_messages, *old_index_key);
  if (index_key)
    out.put(column_family::phone_messages, *index_key, {});
  counter_deltas deltas;
  if (previous)
    count_message(deltas, *previous, -1);
  count_message(deltas, record, 1);
  for (const auto& [key, delta] : deltas)
    if (delta != 0)
      out.merge(column_family::stats, key, encode_counter(delta));
}

void add(batch_writer& out, const phone_record& record) {
  out.put(column_family::phones, phone_key(record.phone), encode(record));
}

void add(batch_writer& out, const idempotency_record& record) {
  out.put(column_family::idempotency, idempotency_key(record.key), encode(record));
}

} // namespace

tl::expected<void, std::string> append(database& db, const write_batch& batch,
                                       rocksdb::WriteBatch& out) {
  batch_writer writer{db, out};
  for (const auto& record : batch.verifications)
    add(writer, record);
  for (const auto& [record, previous] : batch.messages)
    add(writer, record, previous);
  for (const auto& record : batch.phones)
    add(writer, record);
  for (const auto& record : batch.answers)
    add(writer, record);
  if (batch.readiness_probe)
    writer.put_default(std::string{readiness_probe_key},
                       std::to_string(batch.readiness_probe->time_since_epoch().count()));
  return writer.result();
}

} // namespace verity::storage
