#include "storage/rocksdb_backend.hpp"

#include <memory>

#include <gtest/gtest.h>

#include "tests/storage/storage_samples.hpp"

namespace verity::storage {
namespace {

using namespace std::chrono_literals;
using samples::at_ms;

/// A batch of one verification created at `created` with one message (with SID), its phone
/// record and an idempotency answer under `key`.
write_batch sample_batch(verification_status status, timestamp created, const std::string& key) {
  write_batch batch;
  auto verification = samples::sample_verification(status, created, 1);
  auto sid = "SM" + verification.messages[0].to_string().substr(2);
  batch.messages.push_back(
    {samples::sample_message(verification.messages[0], verification.id, sid), std::nullopt});
  batch.phones.push_back(samples::sample_phone(verification.phone));
  batch.answers.push_back({key, "fingerprint", created, verification.id});
  batch.verifications.push_back(std::move(verification));
  return batch;
}

/// The RocksDB backend in a fresh directory, used through the `backend` interface only.
class rocksdb_backend_test : public ::testing::Test {
protected:
  rocksdb_backend_test() { open({}); }

  /// (Re)opens the backend with `options` (sync off: these tests need no fsync).
  void open(rocksdb_options options) {
    opened_.reset();
    options.sync = false;
    auto opened = rocksdb_backend::open(directory_.path(), options);
    ASSERT_TRUE(opened) << opened.error();
    opened_ = std::move(*opened);
  }

  backend& store() { return *opened_; }

  /// Stores `batches` in one group commit.
  void commit(const std::vector<write_batch>& batches) {
    for (const auto& batch : batches) {
      auto added = store().add(batch);
      ASSERT_TRUE(added) << added.error();
    }
    auto written = store().commit();
    ASSERT_TRUE(written) << written.error();
  }

  samples::temp_directory directory_;
  std::unique_ptr<rocksdb_backend> opened_;
};

TEST_F(rocksdb_backend_test, a_group_is_read_back_only_once_it_is_committed) {
  auto first = sample_batch(verification_status::pending, at_ms(0), "0:k1");
  auto second = sample_batch(verification_status::pending, at_ms(5), "0:k2");
  ASSERT_TRUE(store().add(first));
  ASSERT_TRUE(store().add(second));
  auto early = store().read_view(first.verifications[0].id);
  ASSERT_TRUE(early);
  EXPECT_FALSE(*early) << "visible before its commit";
  ASSERT_TRUE(store().commit());

  for (const auto& batch : {first, second}) {
    const auto& verification = batch.verifications[0];
    const auto& message = batch.messages[0].record;
    auto view = store().read_view(verification.id);
    ASSERT_TRUE(view && *view);
    samples::expect_same(verification, (*view)->verification);
    ASSERT_EQ((*view)->attempts.size(), 1u);
    samples::expect_same(message, (*view)->attempts[0]);
    auto loaded = store().read_message(message.id);
    ASSERT_TRUE(loaded && *loaded);
    samples::expect_same(message, **loaded);
    auto by_sid = store().read_sid(message.twilio_sid);
    ASSERT_TRUE(by_sid && *by_sid);
    EXPECT_EQ(**by_sid, message.id);
    auto phone = store().read_phone(verification.phone);
    ASSERT_TRUE(phone && *phone);
    samples::expect_same(batch.phones[0], **phone);
    auto answer = store().read_idempotency(batch.answers[0].key);
    ASSERT_TRUE(answer && *answer);
    EXPECT_EQ((*answer)->created_at, batch.answers[0].created_at);
  }
}

TEST_F(rocksdb_backend_test, unknown_keys_read_as_nothing) {
  auto view = store().read_view(verification_id::generate());
  auto message = store().read_message(message_id::generate());
  auto sid = store().read_sid("SMunknown");
  auto phone = store().read_phone("+15005550006");
  auto answer = store().read_idempotency("0:unknown");
  ASSERT_TRUE(view && message && sid && phone && answer);
  EXPECT_FALSE(*view);
  EXPECT_FALSE(*message);
  EXPECT_FALSE(*sid);
  EXPECT_FALSE(*phone);
  EXPECT_FALSE(*answer);
}

TEST_F(rocksdb_backend_test, a_refused_commit_says_why_and_stores_nothing) {
  commit({});
  rocksdb_options options;
  options.mode = open_mode::read_only;
  open(options);
  auto batch = sample_batch(verification_status::pending, at_ms(0), "0:k1");
  ASSERT_TRUE(store().add(batch));
  auto written = store().commit();
  ASSERT_FALSE(written);
  EXPECT_FALSE(written.error().empty());
  auto view = store().read_view(batch.verifications[0].id);
  ASSERT_TRUE(view);
  EXPECT_FALSE(*view);
}

TEST_F(rocksdb_backend_test, statistics_count_each_message_write_by_the_version_it_replaces) {
  auto t0 = at_ms(0) + 12h;
  message_record message;
  message.id = message_id::generate();
  message.verification = verification_id::generate();
  message.to = "+12015550123";
  message.via = channel::sms;
  message.delivery.merge({delivery_status::created, t0, 0});
  auto delivered = message;
  delivered.delivery.merge({delivery_status::delivered, t0 + 2s, 0});
  write_batch created;
  created.messages.push_back({message, std::nullopt});
  write_batch changed;
  changed.messages.push_back({delivered, message});
  write_batch repeated;
  repeated.messages.push_back({delivered, delivered});
  commit({created, changed});
  commit({repeated});

  auto platform = store().read_platform_stats({1, t0});
  ASSERT_TRUE(platform) << platform.error();
  const auto& sms = platform->channels[static_cast<std::size_t>(channel::sms)];
  EXPECT_EQ(sms.total, 1u);
  EXPECT_EQ(sms.delivered, 1u);
  EXPECT_EQ(sms.pending, 0u);
  auto phone = store().read_phone_stats({message.to, 1, t0});
  ASSERT_TRUE(phone) << phone.error();
  ASSERT_EQ(phone->recent.size(), 1u);
  EXPECT_EQ(phone->recent[0].delivery.current(), delivery_status::delivered);
}

TEST_F(rocksdb_backend_test, recovery_finds_pending_work_and_retention_forgets_old_records) {
  rocksdb_options options;
  options.retention.verifications = 24h;
  options.retention.answers = 1h;
  open(options);
  auto pending = sample_batch(verification_status::pending, at_ms(0), "0:pending");
  auto finished = sample_batch(verification_status::approved, at_ms(0), "0:finished");
  commit({pending, finished});

  auto recovered = store().recover();
  ASSERT_TRUE(recovered) << recovered.error();
  ASSERT_EQ(recovered->in_flight.size(), 1u);
  EXPECT_EQ(recovered->in_flight[0].verification.id, pending.verifications[0].id);

  auto now = at_ms(0) + 48h;
  auto verifications = store().forget_verifications(now);
  ASSERT_TRUE(verifications) << verifications.error();
  EXPECT_EQ(verifications->removed, 1u);
  EXPECT_TRUE(verifications->done);
  auto answers = store().forget_answers(now);
  ASSERT_TRUE(answers) << answers.error();
  EXPECT_EQ(answers->removed, 2u);
  EXPECT_TRUE(answers->done);
  auto kept = store().read_view(pending.verifications[0].id);
  auto gone = store().read_view(finished.verifications[0].id);
  ASSERT_TRUE(kept && gone);
  EXPECT_TRUE(*kept) << "an in-flight verification is never forgotten";
  EXPECT_FALSE(*gone);
}

} // namespace
} // namespace verity::storage
