#include "storage/batch.hpp"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "storage/group_commit.hpp"
#include "storage/keys.hpp"
#include "storage/reads.hpp"
#include "tests/storage/storage_samples.hpp"

namespace verity::storage {
namespace {

using samples::at_ms;

/// A database in a fresh directory, written one batch per commit.
class batch_test : public ::testing::Test {
protected:
  /// Stores `batch` in a commit of its own.
  void store(const write_batch& batch) {
    group_commit group{*db_, false};
    ASSERT_TRUE(group.add(batch));
    ASSERT_TRUE(group.commit());
  }

  /// What reading verification `id` from the in-flight set says.
  rocksdb::Status in_flight(const verification_id& id) {
    std::string value;
    return db_->db().Get({}, &db_->handle(column_family::in_flight), verification_key(id),
                         &value);
  }

  samples::temp_directory directory_;
  std::unique_ptr<database> db_ = samples::open_database(directory_.path());
};

TEST_F(batch_test, finished_verification_leaves_the_in_flight_set_without_its_code_hash) {
  for (auto status : {verification_status::expired, verification_status::approved}) {
    write_batch batch;
    batch.verifications.push_back(
      samples::sample_verification(verification_status::pending, at_ms(0), 1));
    store(batch);
    const auto& id = batch.verifications[0].id;
    EXPECT_TRUE(in_flight(id).ok());

    write_batch finished;
    finished.verifications.push_back(batch.verifications[0]);
    finished.verifications[0].status = status;
    store(finished);
    EXPECT_TRUE(in_flight(id).IsNotFound());
    auto stored = read_verification(*db_, id);
    ASSERT_TRUE(stored && *stored);
    EXPECT_EQ((*stored)->status, status);
    if (status == verification_status::approved) { // confirmable until the code's end
      EXPECT_EQ((*stored)->digest, batch.verifications[0].digest);
      continue;
    }
    EXPECT_EQ((*stored)->salt, code_salt{});
    EXPECT_EQ((*stored)->digest, code_digest{});
  }
}

} // namespace
} // namespace verity::storage
