#include "storage/retention.hpp"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "storage/group_commit.hpp"
#include "storage/keys.hpp"
#include "storage/reads.hpp"
#include "tests/storage/storage_samples.hpp"

namespace verity::storage {
namespace {

using samples::at_ms;
using namespace std::chrono_literals;

/// The retention period of these tests.
constexpr std::chrono::milliseconds period = 24h;

/// The time retention runs at: records created before at_ms(0) are past the period.
const timestamp now = at_ms(0) + period;

class retention_test : public ::testing::Test {
protected:
  /// Stores a verification created at `created` with two messages (with SIDs) and its phone.
  write_batch store(verification_status status, timestamp created) {
    write_batch batch;
    batch.verifications.push_back(samples::sample_verification(status, created, 2));
    const auto& verification = batch.verifications[0];
    for (const auto& id : verification.messages)
      batch.messages.push_back(
        {samples::sample_message(id, verification.id, "SM" + id.to_string().substr(2)),
         std::nullopt});
    batch.phones.push_back(samples::sample_phone("+1500555" + std::to_string(++phones_)));
    group_commit group{*db_, false};
    EXPECT_TRUE(group.add(batch));
    EXPECT_TRUE(group.commit());
    return batch;
  }

  /// Number of keys in a column family.
  std::size_t count(column_family family) {
    std::unique_ptr<rocksdb::Iterator> it{db_->db().NewIterator({}, &db_->handle(family))};
    std::size_t keys = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next())
      ++keys;
    EXPECT_TRUE(it->status().ok());
    return keys;
  }

  /// True if every record of `batch` but its phone is still stored.
  bool kept(const write_batch& batch) {
    auto view = read_view(*db_, batch.verifications[0].id);
    if (!view || !*view)
      return false;
    for (const auto& message : batch.messages) {
      auto id = read_sid(*db_, message.record.twilio_sid);
      if (!id || !*id || **id != message.record.id)
        return false;
    }
    return true;
  }

  /// Runs steps until the pass is done; returns the totals and the number of steps.
  std::pair<retention_step, std::size_t> run_pass(retention& policy) {
    retention_step total;
    std::size_t steps = 0;
    while (!total.done) {
      auto step = policy.step(*db_, now);
      EXPECT_TRUE(step) << step.error();
      if (!step)
        break;
      ++steps;
      total.removed += step->removed;
      total.deleted_keys += step->deleted_keys;
      total.done = step->done;
    }
    return {total, steps};
  }

  samples::temp_directory directory_;
  std::unique_ptr<database> db_ = samples::open_database(directory_.path());
  int phones_ = 0;
};

TEST_F(retention_test, deletes_old_records_and_keeps_new_and_in_flight_ones) {
  auto old = store(verification_status::approved, at_ms(-1));
  auto old_failed = store(verification_status::failed, at_ms(-3'600'000));
  auto old_pending = store(verification_status::pending, at_ms(-2));
  auto young = store(verification_status::approved, at_ms(0));
  retention policy{period, 1000, false};
  auto [total, steps] = run_pass(policy);
  EXPECT_EQ(total.removed, 2u);
  // Per verification: itself, its created entry, and per message: record, SID, phone index
  // entry, 5 history.
  EXPECT_EQ(total.deleted_keys, 2u * (2 + 2 * (1 + 1 + 1 + 5)));
  EXPECT_EQ(steps, 1u);
  EXPECT_FALSE(kept(old));
  EXPECT_FALSE(kept(old_failed));
  for (const auto& message : old.messages) {
    auto gone = read_message(*db_, message.record.id);
    EXPECT_TRUE(gone && !*gone);
  }
  EXPECT_TRUE(kept(old_pending));
  EXPECT_TRUE(kept(young));
  EXPECT_EQ(count(column_family::verifications), 2u);
  EXPECT_EQ(count(column_family::created), 2u);
  EXPECT_EQ(count(column_family::messages), 4u);
  EXPECT_EQ(count(column_family::twilio_sids), 4u);
  EXPECT_EQ(count(column_family::history), 4u * 5);
  EXPECT_EQ(count(column_family::phone_messages), 4u);
  EXPECT_EQ(count(column_family::phones), 4u) << "phone records hold opt-outs: kept";
}

TEST_F(retention_test, works_in_bounded_steps_and_resumes_past_in_flight_ones) {
  std::vector<write_batch> old;
  for (int i = 0; i < 20; ++i)
    old.push_back(store(i % 5 == 0 ? verification_status::pending : verification_status::expired,
                        at_ms(-1000 + i)));
  retention policy{period, 40, false};
  auto [total, steps] = run_pass(policy);
  EXPECT_EQ(total.removed, 16u);
  EXPECT_GE(steps, 16u * 16 / 40);
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(kept(old[static_cast<std::size_t>(i)]), i % 5 == 0) << i;
  auto again = policy.step(*db_, now);
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(again->removed, 0u);
  EXPECT_TRUE(again->done);
}

TEST_F(retention_test, each_step_stays_near_its_key_budget) {
  for (int i = 0; i < 10; ++i)
    store(verification_status::canceled, at_ms(-100 + i));
  retention policy{period, 20, false};
  constexpr std::size_t keys_per_verification = 2 + 2 * (1 + 1 + 1 + 5);
  for (bool done = false; !done;) {
    auto step = policy.step(*db_, now);
    ASSERT_TRUE(step) << step.error();
    EXPECT_LT(step->deleted_keys, 20 + keys_per_verification);
    done = step->done;
  }
  EXPECT_EQ(count(column_family::verifications), 0u);
}

TEST_F(retention_test, stale_index_entry_goes_but_its_younger_record_stays) {
  auto batch = store(verification_status::approved, at_ms(-1));
  batch.verifications[0].created_at = at_ms(1);
  group_commit group{*db_, false};
  ASSERT_TRUE(group.add(batch));
  ASSERT_TRUE(group.commit());
  ASSERT_EQ(count(column_family::created), 2u);
  retention policy{period, 1000, false};
  auto [total, steps] = run_pass(policy);
  EXPECT_EQ(total.removed, 0u);
  EXPECT_EQ(total.deleted_keys, 1u);
  EXPECT_TRUE(kept(batch));
  EXPECT_EQ(count(column_family::created), 1u);
}

} // namespace
} // namespace verity::storage
