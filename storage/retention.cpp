#include "storage/retention.hpp"

#include <algorithm>
#include <memory>
#include <optional>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <spdlog/spdlog.h>

#include "storage/codec.hpp"
#include "storage/keys.hpp"
#include "storage/message_stats.hpp"

namespace verity::storage {

namespace {

/// The deletes of one step, with the first failure and the number of keys.
class deletions {
public:
  explicit deletions(database& db) : db_(db) {}

  void erase(column_family family, const rocksdb::Slice& key) {
    keep(batch_.Delete(&db_.handle(family), key));
    ++keys_;
  }

  /// The raw value under `key` (nullopt when absent); a read failure is kept.
  std::optional<std::string> get(column_family family, const std::string& key) {
    std::string value;
    auto status = db_.db().Get({}, &db_.handle(family), key, &value);
    if (status.IsNotFound())
      return std::nullopt;
    keep(status);
    return status.ok() ? std::optional{std::move(value)} : std::nullopt;
  }

  /// Deletes every key of `family` that starts with `prefix`.
  void erase_prefix(column_family family, const std::string& prefix) {
    std::unique_ptr<rocksdb::Iterator> it{db_.db().NewIterator({}, &db_.handle(family))};
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next())
      erase(family, it->key());
    keep(it->status());
  }

  void keep(const rocksdb::Status& status) {
    if (status_.ok())
      status_ = status;
  }

  [[nodiscard]] const rocksdb::Status& status() const noexcept { return status_; }
  [[nodiscard]] std::size_t keys() const noexcept { return keys_; }

  /// Writes the deletes; the first failure of the step comes back.
  [[nodiscard]] rocksdb::Status write(bool sync) {
    if (!status_.ok() || keys_ == 0)
      return status_;
    rocksdb::WriteOptions options;
    options.sync = sync;
    return db_.db().Write(options, &batch_);
  }

private:
  database& db_;
  rocksdb::WriteBatch batch_;
  rocksdb::Status status_;
  std::size_t keys_ = 0;
};

/// Deletes a message, its history and its SID entry.
void remove_message(deletions& out, const message_id& id) {
  auto key = message_key(id);
  if (auto raw = out.get(column_family::messages, key)) {
    if (auto record = decode_message(*raw); !record)
      spdlog::warn("retention found message {} corrupt ({}); its SID entry stays",
                   id.to_string(), record.error());
    else {
      if (!record->twilio_sid.empty())
        out.erase(column_family::twilio_sids, twilio_sid_key(record->twilio_sid));
      if (auto index_key = phone_messages_key_of(*record))
        out.erase(column_family::phone_messages, *index_key);
    }
    out.erase(column_family::messages, key);
  }
  out.erase_prefix(column_family::history, key);
}

/// Deletes a verification, its messages and its `created` entry. An entry whose time is not
/// the record's creation time is stale (the record was stored again with another time): only
/// the entry goes then. Returns true when a verification record was deleted.
bool remove_verification(deletions& out, const rocksdb::Slice& index_key,
                         const created_entry& entry) {
  out.erase(column_family::created, index_key);
  auto key = verification_key(entry.id);
  auto raw = out.get(column_family::verifications, key);
  if (!raw)
    return false;
  auto record = decode_verification(*raw);
  if (record && record->created_at != entry.created_at)
    return false;
  if (!record)
    spdlog::warn("retention found verification {} corrupt ({}); its messages stay",
                 entry.id.to_string(), record.error());
  else
    for (const auto& message : record->messages)
      remove_message(out, message);
  out.erase(column_family::verifications, key);
  return true;
}

/// True if the verification is in the in-flight set.
bool in_flight(deletions& out, const verification_id& id) {
  return out.get(column_family::in_flight, verification_key(id)).has_value();
}

} // namespace

retention::retention(std::chrono::milliseconds period, std::size_t batch_keys, bool sync)
  : period_(period), batch_keys_(std::max<std::size_t>(batch_keys, 1)), sync_(sync) {
}

tl::expected<retention_step, std::string> retention::step(database& db, timestamp now) {
  auto upper = encode_time(now - period_);
  rocksdb::Slice upper_slice{upper};
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it{
    db.db().NewIterator(options, &db.handle(column_family::created))};
  auto cursor = resume_after_;
  it->Seek(cursor);
  if (it->Valid() && it->key() == cursor)
    it->Next();
  deletions out{db};
  retention_step result;
  for (; it->Valid() && out.keys() < batch_keys_ && out.status().ok(); it->Next()) {
    cursor = it->key().ToString();
    auto entry = parse_created_key(it->key().ToStringView());
    if (entry && in_flight(out, entry->id))
      continue;
    if (!entry)
      out.erase(column_family::created, it->key());
    else if (remove_verification(out, it->key(), *entry))
      ++result.removed;
  }
  out.keep(it->status());
  result.done = out.status().ok() && !it->Valid();
  if (auto written = out.write(sync_); !written.ok())
    return tl::unexpected("retention failed: " + written.ToString());
  result.deleted_keys = out.keys();
  resume_after_ = result.done ? std::string{} : std::move(cursor);
  return result;
}

} // namespace verity::storage
