#include "storage/database.hpp"

#include <system_error>

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include "storage/counter_merge.hpp"

namespace verity::storage {

namespace {

/// Options of one column family, in the order of `column_family`.
rocksdb::ColumnFamilyOptions options_for(column_family family) {
  rocksdb::ColumnFamilyOptions options;
  switch (family) {
    case column_family::history:
    case column_family::in_flight:
    case column_family::created:
      options.OptimizeLevelStyleCompaction();
      break;
    case column_family::stats:
      options.merge_operator = make_counter_merge();
      break;
    default:
      break;
  }
  return options;
}

std::vector<rocksdb::ColumnFamilyDescriptor> descriptors() {
  std::vector<rocksdb::ColumnFamilyDescriptor> result;
  result.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions{});
  for (std::size_t i = 0; i < column_family_count; ++i)
    result.emplace_back(std::string{column_family_names[i]},
                        options_for(static_cast<column_family>(i)));
  return result;
}

} // namespace

tl::expected<std::unique_ptr<database>, std::string>
database::open(const std::filesystem::path& directory, open_mode mode) {
  std::error_code ec;
  if (mode == open_mode::read_only && !std::filesystem::exists(directory / "CURRENT", ec))
    return tl::unexpected("cannot open RocksDB in " + directory.string()
                          + " read-only: no database there");
  if (mode == open_mode::read_write)
    std::filesystem::create_directories(directory, ec);
  if (ec)
    return tl::unexpected("cannot create data directory " + directory.string() + ": "
                          + ec.message());
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.IncreaseParallelism(2);
  rocksdb::DB* raw = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  auto status = mode == open_mode::read_only
                  ? rocksdb::DB::OpenForReadOnly(options, directory.string(), descriptors(),
                                                 &handles, &raw)
                  : rocksdb::DB::Open(options, directory.string(), descriptors(), &handles, &raw);
  if (!status.ok())
    return tl::unexpected("cannot open RocksDB in " + directory.string() + ": "
                          + status.ToString());
  auto result = std::make_unique<database>(open_tag{});
  result->directory_ = directory;
  result->db_.reset(raw);
  result->handles_ = std::move(handles);
  return result;
}

database::database(open_tag) {
}

database::~database() {
  if (!db_)
    return;
  for (auto* handle : handles_)
    db_->DestroyColumnFamilyHandle(handle);
  db_->Close();
}

rocksdb::ColumnFamilyHandle& database::handle(column_family family) noexcept {
  // handles_[0] is RocksDB's default family; Verity's start at 1.
  return *handles_[static_cast<std::size_t>(family) + 1];
}

} // namespace verity::storage
