#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "storage/column_family.hpp"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
} // namespace rocksdb

namespace verity::storage {

/// How a database is opened.
enum class open_mode : std::uint8_t {
  read_write, ///< The engine's mode: creates what is missing and takes the lock.
  read_only,  ///< For inspection tools and tests: every write fails, nothing is created.
};

/// Verity's RocksDB: opened (or created) with every column family, closed on destruction.
class database {
public:
  /// Opens or creates the database under `directory` (created if missing). Returns a sentence
  /// naming the directory and RocksDB's reason when it cannot. In `open_mode::read_only` the
  /// database and all its column families must already exist.
  static tl::expected<std::unique_ptr<database>, std::string>
  open(const std::filesystem::path& directory, open_mode mode = open_mode::read_write);

  ~database();
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  /// The RocksDB handle, for the storage components.
  rocksdb::DB& db() noexcept { return *db_; }

  /// The handle of column family `family`.
  rocksdb::ColumnFamilyHandle& handle(column_family family) noexcept;

  /// Where the database lives.
  const std::filesystem::path& directory() const noexcept { return directory_; }

  /// Not for direct use: `open` is the way in (the tag keeps the constructor to this class).
  struct open_tag {
    explicit open_tag() = default;
  };
  explicit database(open_tag);

private:

  std::filesystem::path directory_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_; ///< Owned; released before db_ closes.
};

} // namespace verity::storage
