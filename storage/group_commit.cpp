#include "storage/group_commit.hpp"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "storage/batch.hpp"

namespace verity::storage {

group_commit::group_commit(database& db, bool sync)
  : db_(db), sync_(sync), batch_(std::make_unique<rocksdb::WriteBatch>()) {
}

group_commit::~group_commit() = default;

tl::expected<void, std::string> group_commit::add(const write_batch& batch) {
  batch_->SetSavePoint();
  auto appended = append(db_, batch, *batch_);
  if (!appended) {
    if (auto undone = batch_->RollbackToSavePoint(); !undone.ok())
      return tl::unexpected(appended.error() + "; undoing it failed too: " + undone.ToString());
    return appended;
  }
  if (auto popped = batch_->PopSavePoint(); !popped.ok())
    return tl::unexpected("cannot close the save point: " + popped.ToString());
  return {};
}

tl::expected<void, std::string> group_commit::commit() {
  rocksdb::WriteOptions options;
  options.sync = sync_;
  auto status = db_.db().Write(options, batch_.get());
  batch_->Clear();
  if (!status.ok())
    return tl::unexpected(status.ToString());
  return {};
}

} // namespace verity::storage
