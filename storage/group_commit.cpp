#include "storage/group_commit.hpp"

#include <chrono>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "engine/metrics.hpp"
#include "storage/batch.hpp"

namespace verity::storage {

group_commit::group_commit(database& db, bool sync, storage_stats& stats, metrics* recorder)
  : db_(db), sync_(sync), stats_(stats), recorder_(recorder),
    batch_(std::make_unique<rocksdb::WriteBatch>()) {
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
  ++requests_;
  return {};
}

tl::expected<void, std::string> group_commit::commit() {
  rocksdb::WriteOptions options;
  options.sync = sync_;
  auto started = std::chrono::steady_clock::now();
  auto status = db_.db().Write(options, batch_.get());
  if (recorder_ != nullptr)
    recorder_->storage_commit(requests_, std::chrono::steady_clock::now() - started);
  stats_.requests += requests_;
  batch_->Clear();
  requests_ = 0;
  if (!status.ok()) {
    ++stats_.failed_batches;
    return tl::unexpected(status.ToString());
  }
  ++stats_.batches;
  return {};
}

} // namespace verity::storage
