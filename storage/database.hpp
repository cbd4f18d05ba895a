#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "storage/column_family.hpp"

namespace rocksdb {
class Cache;
class DB;
class ColumnFamilyHandle;
class WriteBufferManager;
} // namespace rocksdb

namespace verity::storage {

/// How a database is opened.
enum class open_mode : std::uint8_t {
  read_write, ///< The engine's mode: creates what is missing and takes the lock.
  read_only,  ///< For inspection tools and tests: every write fails, nothing is created.
};

/// RocksDB's memory budget when none is configured (VERITY_STORAGE_MEMORY's default).
inline constexpr std::uint64_t default_memory_budget = std::uint64_t{128} << 20;

/// What RocksDB holds in memory now, in bytes.
struct memory_use {
  std::uint64_t memtables = 0;        ///< Memtables of every column family, flushed or not.
  std::uint64_t active_memtables = 0; ///< The part of `memtables` still taking writes.
  std::uint64_t block_cache = 0;      ///< Blocks, index and filter blocks read from table files.
};

/// Verity's RocksDB: opened (or created) with every column family, closed on destruction.
///
/// Memory is bounded by one budget: a block cache of that size, shared by every column family
/// and holding their index and filter blocks too, to which the memtables are charged; the
/// memtables of all families together are flushed once they pass half the budget. Without the
/// cap RocksDB sizes each family on its own (up to 6 x 128 MiB for the busy ones), and a
/// steady load looks like a leak for as long as those buffers fill.
///
/// The cap never stalls a write: a write that finds the active memtables past 7/8 of the cap
/// first switches out the oldest one whose family has no flush pending, and flushes then free
/// it in the background. So memtables waiting for a slow disk can pass the cap for a while.
/// RocksDB's stalling mode would hold writes instead, but in this release it can wedge every
/// writer for good when memtables are charged to the block cache (facebook/rocksdb#11010).
class database {
public:
  /// Opens or creates the database under `directory` (created if missing), keeping RocksDB
  /// within `memory_budget` bytes. Returns a sentence naming the directory and RocksDB's
  /// reason when it cannot. In `open_mode::read_only` the database and all its column
  /// families must already exist.
  static tl::expected<std::unique_ptr<database>, std::string>
  open(const std::filesystem::path& directory, open_mode mode = open_mode::read_write,
       std::uint64_t memory_budget = default_memory_budget);

  ~database();
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  /// The RocksDB handle, for the storage components.
  rocksdb::DB& db() noexcept { return *db_; }

  /// The handle of column family `family`.
  rocksdb::ColumnFamilyHandle& handle(column_family family) noexcept;

  /// Where the database lives.
  const std::filesystem::path& directory() const noexcept { return directory_; }

  /// What RocksDB holds in memory now. Cheap and thread-safe (atomic reads): for metrics.
  memory_use memory() const;

  /// Not for direct use: `open` is the way in (the tag keeps the constructor to this class).
  struct open_tag {
    explicit open_tag() = default;
  };
  explicit database(open_tag);

private:

  std::filesystem::path directory_;
  std::shared_ptr<rocksdb::Cache> block_cache_;           ///< Shared by every family.
  std::shared_ptr<rocksdb::WriteBufferManager> memtables_; ///< Caps and counts memtables.
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_; ///< Owned; released before db_ closes.
};

} // namespace verity::storage
