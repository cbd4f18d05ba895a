#include "storage/recovery.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "storage/group_commit.hpp"
#include "storage/keys.hpp"
#include "tests/storage/storage_samples.hpp"

namespace verity::storage {
namespace {

using samples::at_ms;

class recovery : public ::testing::Test {
protected:
  /// Stores a verification with `messages` messages, synchronously.
  verification_view store(verification_status status, std::size_t messages) {
    verification_view view{samples::sample_verification(status, at_ms(0), messages), {}};
    write_batch batch;
    batch.verifications.push_back(view.verification);
    for (const auto& id : view.verification.messages)
      view.attempts.push_back(samples::sample_message(id, view.verification.id, ""));
    for (const auto& attempt : view.attempts)
      batch.messages.push_back({attempt, std::nullopt});
    group_commit group{*db_, false};
    EXPECT_TRUE(group.add(batch));
    EXPECT_TRUE(group.commit());
    if (status != verification_status::pending) {
      view.verification.salt = {};
      view.verification.digest = {};
    }
    return view;
  }

  samples::temp_directory directory_;
  std::unique_ptr<database> db_ = samples::open_database(directory_.path());
};

TEST_F(recovery, empty_database_recovers_nothing) {
  auto result = recover(*db_);
  ASSERT_TRUE(result) << result.error();
  EXPECT_TRUE(result->in_flight.empty());
  EXPECT_EQ(result->scanned, 0u);
  EXPECT_EQ(result->skipped, 0u);
}

TEST_F(recovery, returns_exactly_the_pending_verifications_with_their_messages) {
  std::vector<verification_view> pending;
  for (std::size_t i = 0; i < 5; ++i)
    pending.push_back(store(verification_status::pending, i % 3));
  for (auto status : {verification_status::approved, verification_status::expired,
                      verification_status::failed})
    store(status, 1);
  auto finished = store(verification_status::pending, 2);
  finished.verification.status = verification_status::canceled;
  write_batch update;
  update.verifications.push_back(finished.verification);
  group_commit group{*db_, false};
  ASSERT_TRUE(group.add(update));
  ASSERT_TRUE(group.commit());

  auto result = recover(*db_);
  ASSERT_TRUE(result) << result.error();
  EXPECT_EQ(result->scanned, pending.size());
  EXPECT_EQ(result->skipped, 0u);
  ASSERT_EQ(result->in_flight.size(), pending.size());
  for (const auto& expected : pending) {
    auto found = std::find_if(result->in_flight.begin(), result->in_flight.end(),
                              [&](const verification_view& view) {
                                return view.verification.id == expected.verification.id;
                              });
    ASSERT_NE(found, result->in_flight.end());
    samples::expect_same(expected.verification, found->verification);
    ASSERT_EQ(found->attempts.size(), expected.attempts.size());
    for (std::size_t i = 0; i < expected.attempts.size(); ++i)
      samples::expect_same(expected.attempts[i], found->attempts[i]);
  }
}

TEST_F(recovery, unreadable_entries_are_skipped_and_counted) {
  auto kept = store(verification_status::pending, 1);
  auto& in_flight = db_->handle(column_family::in_flight);
  ASSERT_TRUE(db_->db().Put({}, &in_flight, "short", "").ok());
  ASSERT_TRUE(db_->db().Put({}, &in_flight, verification_key(verification_id::generate()), "")
                .ok());
  auto corrupt = verification_id::generate();
  ASSERT_TRUE(db_->db().Put({}, &in_flight, verification_key(corrupt), "").ok());
  ASSERT_TRUE(db_->db()
                .Put({}, &db_->handle(column_family::verifications), verification_key(corrupt),
                     "\x01garbage")
                .ok());
  auto result = recover(*db_);
  ASSERT_TRUE(result) << result.error();
  EXPECT_EQ(result->scanned, 4u);
  EXPECT_EQ(result->skipped, 3u);
  ASSERT_EQ(result->in_flight.size(), 1u);
  EXPECT_EQ(result->in_flight[0].verification.id, kept.verification.id);
}

/// Stores a verification created at `created` whose messages were created at `sends` (ms after
/// at_ms(0)); the message at `refused` (if any) was refused by the send limits.
void store_sends(database& db, std::int64_t created, const std::vector<std::int64_t>& sends,
                 std::optional<std::size_t> refused = std::nullopt) {
  auto record = samples::sample_verification(verification_status::expired, at_ms(created),
                                             sends.size());
  write_batch batch;
  batch.verifications.push_back(record);
  for (std::size_t i = 0; i < sends.size(); ++i) {
    message_record message;
    message.id = record.messages[i];
    message.verification = record.id;
    message.to = "+14155552671";
    message.delivery.merge({delivery_status::created, at_ms(sends[i]), 0});
    if (refused == i)
      message.not_sent = not_sent_reason::send_limit;
    batch.messages.push_back({message, std::nullopt});
  }
  group_commit group{db, false};
  EXPECT_TRUE(group.add(batch));
  EXPECT_TRUE(group.commit());
}

TEST_F(recovery, sends_since_finds_every_send_in_the_window_oldest_first) {
  using std::chrono::milliseconds;
  store_sends(*db_, 0, {0, 5'000});          // a resend inside the window
  store_sends(*db_, 4'000, {4'000});          // inside
  store_sends(*db_, 6'000, {6'000, 7'000}, 1); // the second one refused: not a send
  store_sends(*db_, -60'000, {-60'000});      // long before the window
  auto sends = sends_since(*db_, at_ms(1'000), milliseconds{10'000});
  ASSERT_TRUE(sends) << sends.error();
  std::vector<timestamp> times;
  for (const auto& send : *sends) {
    times.push_back(send.at);
    EXPECT_EQ(send.to, "+14155552671");
  }
  EXPECT_EQ(times, (std::vector<timestamp>{at_ms(4'000), at_ms(5'000), at_ms(6'000)}));
}

} // namespace
} // namespace verity::storage
