#include "storage/database.hpp"

#include <system_error>

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_buffer_manager.h>

#include "storage/counter_merge.hpp"

namespace verity::storage {

namespace {

/// How much of the memory budget the memtables may use, flushed or not.
std::size_t memtable_budget(std::uint64_t memory_budget) {
  return static_cast<std::size_t>(memory_budget / 2);
}

/// Table options every family shares: the one block cache, which also holds index and filter
/// blocks (else they sit outside any budget, one set per table file), level-0 ones pinned.
std::shared_ptr<rocksdb::TableFactory> table_factory(std::shared_ptr<rocksdb::Cache> cache) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = std::move(cache);
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  return std::shared_ptr<rocksdb::TableFactory>(rocksdb::NewBlockBasedTableFactory(table));
}

/// Options of one column family, in the order of `column_family`. The busy families get
/// level-style compaction tuned for their share of the memtable budget; every family's single
/// memtable is a quarter of the budget, so one busy family cannot hold it all.
rocksdb::ColumnFamilyOptions options_for(column_family family, std::size_t memtables,
                                         const std::shared_ptr<rocksdb::TableFactory>& tables) {
  rocksdb::ColumnFamilyOptions options;
  switch (family) {
    case column_family::history:
    case column_family::in_flight:
    case column_family::created:
      options.OptimizeLevelStyleCompaction(memtables);
      break;
    case column_family::stats:
      options.merge_operator = make_counter_merge();
      break;
    default:
      break;
  }
  options.write_buffer_size = memtables / 4;
  options.table_factory = tables;
  return options;
}

std::vector<rocksdb::ColumnFamilyDescriptor>
descriptors(std::size_t memtables, const std::shared_ptr<rocksdb::Cache>& cache) {
  auto tables = table_factory(cache);
  rocksdb::ColumnFamilyOptions unused_default;
  unused_default.table_factory = tables;
  std::vector<rocksdb::ColumnFamilyDescriptor> result;
  result.emplace_back(rocksdb::kDefaultColumnFamilyName, unused_default);
  for (std::size_t i = 0; i < column_family_count; ++i)
    result.emplace_back(std::string{column_family_names[i]},
                        options_for(static_cast<column_family>(i), memtables, tables));
  return result;
}

} // namespace

tl::expected<std::unique_ptr<database>, std::string>
database::open(const std::filesystem::path& directory, open_mode mode,
               std::uint64_t memory_budget) {
  std::error_code ec;
  if (mode == open_mode::read_only && !std::filesystem::exists(directory / "CURRENT", ec))
    return tl::unexpected("cannot open RocksDB in " + directory.string()
                          + " read-only: no database there");
  if (mode == open_mode::read_write)
    std::filesystem::create_directories(directory, ec);
  if (ec)
    return tl::unexpected("cannot create data directory " + directory.string() + ": "
                          + ec.message());
  auto cache = rocksdb::NewLRUCache(static_cast<std::size_t>(memory_budget));
  const auto memtables = memtable_budget(memory_budget);
  auto write_buffers = std::make_shared<rocksdb::WriteBufferManager>(memtables, cache);
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.IncreaseParallelism(2);
  options.write_buffer_manager = write_buffers;
  rocksdb::DB* raw = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  const auto families = descriptors(memtables, cache);
  auto status = mode == open_mode::read_only
                  ? rocksdb::DB::OpenForReadOnly(options, directory.string(), families,
                                                 &handles, &raw)
                  : rocksdb::DB::Open(options, directory.string(), families, &handles, &raw);
  if (!status.ok())
    return tl::unexpected("cannot open RocksDB in " + directory.string() + ": "
                          + status.ToString());
  auto result = std::make_unique<database>(open_tag{});
  result->directory_ = directory;
  result->block_cache_ = std::move(cache);
  result->memtables_ = std::move(write_buffers);
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

memory_use database::memory() const {
  const auto memtables = memtables_->memory_usage();
  const auto charged = memtables_->dummy_entries_in_cache_usage();
  const auto cached = block_cache_->GetUsage();
  return {memtables, memtables_->mutable_memtable_memory_usage(),
          cached > charged ? cached - charged : 0};
}

rocksdb::ColumnFamilyHandle& database::handle(column_family family) noexcept {
  // handles_[0] is RocksDB's default family; Verity's start at 1.
  return *handles_[static_cast<std::size_t>(family) + 1];
}

} // namespace verity::storage
