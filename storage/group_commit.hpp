#pragma once

#include <memory>
#include <string>

#include <tl/expected.hpp>

#include "engine/records.hpp"
#include "storage/batch.hpp"
#include "storage/database.hpp"

namespace rocksdb {
class WriteBatch;
} // namespace rocksdb

namespace verity::storage {

/// Joins the write batches of many persist requests into one RocksDB WriteBatch and writes it
/// with a single (fsynced) write: one disk flush acknowledges the whole group.
class group_commit {
public:
  /// Writes to `db`, fsyncing each commit when `sync`.
  group_commit(database& db, bool sync);
  ~group_commit();
  group_commit(const group_commit&) = delete;
  group_commit& operator=(const group_commit&) = delete;

  /// Adds one request (checked with `validate` beforehand) to the pending group. A request
  /// RocksDB refuses joins nothing and gets the reason back.
  [[nodiscard]] tl::expected<void, std::string> add(const write_batch& batch);

  /// Writes the pending group (even an empty one) and starts a new one. On failure nothing of
  /// the group is durable and RocksDB's reason comes back.
  [[nodiscard]] tl::expected<void, std::string> commit();

private:
  database& db_;
  bool sync_;
  std::unique_ptr<rocksdb::WriteBatch> batch_;
};

} // namespace verity::storage
