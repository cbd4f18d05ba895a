#include "storage/database.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <rocksdb/db.h>

namespace verity::storage {
namespace {

/// A fresh directory per test, removed afterwards.
class database_test : public ::testing::Test {
protected:
  void SetUp() override {
    std::random_device seed;
    directory_ = std::filesystem::temp_directory_path()
                 / ("verity-db-" + std::to_string(seed()) + std::to_string(seed()));
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  std::filesystem::path directory_;
};

TEST_F(database_test, creates_every_column_family_and_reopens) {
  {
    auto db = database::open(directory_ / "nested" / "data");
    ASSERT_TRUE(db) << db.error();
    for (std::size_t i = 0; i < column_family_count; ++i) {
      auto family = static_cast<column_family>(i);
      EXPECT_EQ((*db)->handle(family).GetName(), column_family_names[i]);
      auto status = (*db)->db().Put({}, &(*db)->handle(family), "key", std::to_string(i));
      ASSERT_TRUE(status.ok()) << status.ToString();
    }
  }
  auto reopened = database::open(directory_ / "nested" / "data");
  ASSERT_TRUE(reopened) << reopened.error();
  for (std::size_t i = 0; i < column_family_count; ++i) {
    std::string value;
    auto family = static_cast<column_family>(i);
    ASSERT_TRUE((*reopened)->db().Get({}, &(*reopened)->handle(family), "key", &value).ok());
    EXPECT_EQ(value, std::to_string(i)); // each family keeps its own data
  }
}

TEST_F(database_test, open_failure_is_reported_not_swallowed) {
  std::filesystem::create_directories(directory_);
  auto blocker = directory_ / "file";
  { std::ofstream{blocker} << "not a directory"; }
  auto db = database::open(blocker / "data");
  ASSERT_FALSE(db);
  EXPECT_NE(db.error().find((blocker / "data").string()), std::string::npos) << db.error();
}

TEST_F(database_test, second_open_of_a_locked_database_fails) {
  auto first = database::open(directory_);
  ASSERT_TRUE(first) << first.error();
  auto second = database::open(directory_);
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().find("lock"), std::string::npos) << second.error();
}

TEST_F(database_test, read_only_open_needs_an_existing_database_and_refuses_writes) {
  ASSERT_FALSE(database::open(directory_, open_mode::read_only));
  EXPECT_FALSE(std::filesystem::exists(directory_)) << "read-only open creates nothing";
  ASSERT_TRUE(database::open(directory_));
  auto db = database::open(directory_, open_mode::read_only);
  ASSERT_TRUE(db) << db.error();
  auto& family = (*db)->handle(column_family::phones);
  EXPECT_FALSE((*db)->db().Put({}, &family, "key", "value").ok());
}

/// Waits (up to 20 s) until no flush is pending or running. RocksDB switches out no family
/// whose flush is pending or running, so without this wait a slow disk would decide which
/// family the cap may switch next. (A manual `Flush` is no way to wait: in RocksDB 7.8 it can
/// wait forever for a memtable the write buffer manager switched out.)
void finish_pending_flushes(database& db) {
  using namespace std::chrono;
  const auto deadline = steady_clock::now() + 20s;
  for (;;) {
    std::uint64_t pending = 0;
    std::uint64_t running = 0;
    ASSERT_TRUE(db.db().GetAggregatedIntProperty("rocksdb.mem-table-flush-pending", &pending));
    ASSERT_TRUE(db.db().GetIntProperty("rocksdb.num-running-flushes", &running));
    if (pending == 0 && running == 0)
      return;
    ASSERT_LT(steady_clock::now(), deadline) << pending << " flushes pending, " << running
                                             << " running";
    std::this_thread::sleep_for(1ms);
  }
}

// Every family's memtable is a quarter of the memtable budget, so without a cap shared by all
// families, writing to all ten at once would fill ten quarters before any family flushed.
// The cap is kept on the write path: a write that finds the active memtables past 7/8 of it
// first switches the oldest one out for flushing.
TEST_F(database_test, memtables_of_all_families_share_one_cap) {
  constexpr std::uint64_t budget = 16 << 20; // memtables: 8 MiB together, 2 MiB each
  constexpr std::uint64_t cap = budget / 2;
  constexpr std::size_t value_size = 1024;
  constexpr std::size_t writes = 48 * 1024;
  auto db = database::open(directory_, open_mode::read_write, budget);
  ASSERT_TRUE(db) << db.error();
  std::mt19937 random{7};
  std::string value(value_size, '\0');
  std::uint64_t peak_active = 0;
  for (std::size_t i = 0; i < writes; ++i) {
    for (auto& c : value)
      c = static_cast<char>(random());
    auto& family = (*db)->handle(static_cast<column_family>(i % column_family_count));
    ASSERT_TRUE((*db)->db().Put({}, &family, "key-" + std::to_string(i), value).ok());
    peak_active = std::max(peak_active, (*db)->memory().active_memtables);
    ASSERT_NO_FATAL_FAILURE(finish_pending_flushes(**db));
  }
  EXPECT_GT(peak_active, cap / 2) << "the memtables were used";
  EXPECT_LT(peak_active, cap) << "peak active memtable bytes " << peak_active;
  std::string read;
  auto& first = (*db)->handle(static_cast<column_family>(0));
  ASSERT_TRUE((*db)->db().Get({}, &first, "key-0", &read).ok());
  EXPECT_EQ(read.size(), value_size);
  EXPECT_GT((*db)->memory().block_cache, 0U) << "a flushed key is read through the cache";
}

} // namespace
} // namespace verity::storage
