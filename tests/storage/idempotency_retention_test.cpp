#include "storage/idempotency_retention.hpp"

#include <gtest/gtest.h>

#include "storage/group_commit.hpp"
#include "storage/reads.hpp"
#include "tests/storage/storage_samples.hpp"

namespace verity::storage {
namespace {

using samples::at_ms;
using namespace std::chrono_literals;

/// The lifetime of answers in these tests.
constexpr std::chrono::milliseconds lifetime = 24h;

/// The time retention runs at: answers given before at_ms(0) are past their lifetime.
const timestamp now = at_ms(0) + lifetime;

class idempotency_retention_test : public ::testing::Test {
protected:
  /// Stores an answer under `key` given at `created`.
  void store(const std::string& key, timestamp created) {
    write_batch batch;
    batch.answers.push_back({key, "fingerprint", created, verification_id::generate(1)});
    group_commit group{*db_, false, stats_};
    ASSERT_TRUE(group.add(batch));
    ASSERT_TRUE(group.commit());
  }

  /// True if an answer is stored under `key`.
  bool kept(const std::string& key) {
    auto found = read_idempotency(*db_, key);
    EXPECT_TRUE(found) << found.error();
    return found && found->has_value();
  }

  /// Runs steps until the pass is done; returns the answers removed and the steps taken.
  std::pair<std::size_t, std::size_t> run_pass(idempotency_retention& policy) {
    std::size_t removed = 0;
    std::size_t steps = 0;
    for (bool done = false; !done && steps < 1000;) {
      auto step = policy.step(*db_, now);
      EXPECT_TRUE(step) << step.error();
      if (!step)
        break;
      ++steps;
      removed += step->removed;
      done = step->done;
    }
    return {removed, steps};
  }

  samples::temp_directory directory_;
  std::unique_ptr<database> db_ = samples::open_database(directory_.path());
  storage_stats stats_;
};

TEST_F(idempotency_retention_test, deletes_answers_past_their_lifetime_and_keeps_younger_ones) {
  store("0:old", at_ms(-1));
  store("0:new", at_ms(0));
  store("1:old", at_ms(-3'600'000));
  idempotency_retention policy{lifetime, 100, false};
  auto [removed, steps] = run_pass(policy);
  EXPECT_EQ(removed, 2u);
  EXPECT_EQ(steps, 1u);
  EXPECT_FALSE(kept("0:old"));
  EXPECT_FALSE(kept("1:old"));
  EXPECT_TRUE(kept("0:new"));
}

TEST_F(idempotency_retention_test, works_in_bounded_steps_and_starts_over_after_a_pass) {
  for (int i = 0; i < 10; ++i)
    store("key-" + std::to_string(i), at_ms(i % 2 == 0 ? -10 : 10));
  idempotency_retention policy{lifetime, 3, false};
  auto [removed, steps] = run_pass(policy);
  EXPECT_EQ(removed, 5u);
  EXPECT_EQ(steps, 4u) << "10 answers examined 3 per step";
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(kept("key-" + std::to_string(i)), i % 2 != 0) << i;
  store("key-late", at_ms(-10));
  auto [again, next_steps] = run_pass(policy);
  EXPECT_EQ(again, 1u) << "a new pass starts from the first key";
  EXPECT_FALSE(kept("key-late"));
}

} // namespace
} // namespace verity::storage
