#include "storage/idempotency_retention.hpp"

#include <algorithm>
#include <memory>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <spdlog/spdlog.h>

#include "storage/codec.hpp"

namespace verity::storage {

namespace {

/// True when the stored answer `value` is older than `cutoff` or unreadable.
bool expired(const rocksdb::Slice& value, timestamp cutoff) {
  auto record = decode_idempotency(value.ToStringView());
  if (!record) {
    spdlog::warn("retention found a corrupt idempotency answer ({}); it goes", record.error());
    return true;
  }
  return record->created_at < cutoff;
}

} // namespace

idempotency_retention::idempotency_retention(std::chrono::milliseconds lifetime,
                                             std::size_t batch_keys, bool sync)
  : lifetime_(lifetime), batch_keys_(std::max<std::size_t>(batch_keys, 1)), sync_(sync) {
}

tl::expected<retention_step, std::string> idempotency_retention::step(database& db,
                                                                      timestamp now) {
  auto& family = db.handle(column_family::idempotency);
  std::unique_ptr<rocksdb::Iterator> it{db.db().NewIterator({}, &family)};
  auto cursor = resume_after_;
  it->Seek(cursor);
  if (it->Valid() && it->key() == cursor)
    it->Next();
  rocksdb::WriteBatch deletes;
  rocksdb::Status status;
  retention_step result;
  for (std::size_t examined = 0; it->Valid() && examined < batch_keys_ && status.ok();
       ++examined, it->Next()) {
    cursor = it->key().ToString();
    if (!expired(it->value(), now - lifetime_))
      continue;
    status = deletes.Delete(&family, it->key());
    ++result.removed;
  }
  if (status.ok())
    status = it->status();
  result.done = status.ok() && !it->Valid();
  if (status.ok() && result.removed > 0) {
    rocksdb::WriteOptions options;
    options.sync = sync_;
    status = db.db().Write(options, &deletes);
  }
  if (!status.ok())
    return tl::unexpected("idempotency retention failed: " + status.ToString());
  result.deleted_keys = result.removed;
  resume_after_ = result.done ? std::string{} : std::move(cursor);
  return result;
}

} // namespace verity::storage
