#include "actors/storage_actor.hpp"

#include <atomic>
#include <iostream>
#include <optional>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <gtest/gtest.h>

#include "app/prometheus_metrics.hpp"
#include "storage/rocksdb_backend.hpp"
#include "tests/storage/storage_samples.hpp"

namespace verity {
namespace {

using namespace std::chrono_literals;
using storage::open_mode;
using storage::rocksdb_backend;
using storage::rocksdb_options;
using storage::samples::at_ms;
namespace samples = storage::samples;

/// Bound on every request: real threads and real fsyncs, but never a hang.
constexpr auto request_timeout = 60s;

/// Unix time now, in stored precision.
timestamp now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(
    std::chrono::system_clock::now());
}

/// A write batch of one pending verification with one message (with SID) and a phone record.
write_batch sample_batch(timestamp created = at_ms(0)) {
  write_batch batch;
  auto verification = samples::sample_verification(verification_status::pending, created, 1);
  auto sid = "SM" + verification.messages[0].to_string().substr(2);
  batch.messages.push_back(
    {samples::sample_message(verification.messages[0], verification.id, sid), std::nullopt});
  batch.phones.push_back(samples::sample_phone(verification.phone));
  batch.verifications.push_back(std::move(verification));
  return batch;
}

/// A RocksDB backend in a fresh directory with the storage actors on a real actor system.
class storage_test : public ::testing::Test {
protected:
  storage_test() { open(); }

  ~storage_test() override { close(); }

  /// (Re)opens the backend and spawns storage on it.
  void open(rocksdb_options options = {}, storage_settings settings = quick()) {
    auto opened = rocksdb_backend::open(directory_.path(), options);
    ASSERT_TRUE(opened) << opened.error();
    backend_ = std::move(*opened);
    stats_ = settings.stats;
    system_.emplace(config_);
    storage_ = spawn_storage(*system_, *backend_, std::move(settings));
  }

  /// Stops the actors (the system waits for them), then closes the backend.
  void close() {
    storage_ = nullptr;
    system_.reset();
    backend_.reset();
  }

  /// Settings for tests: fsync on (as in production, the options' default), no retention pass
  /// during the test.
  static storage_settings quick() {
    storage_settings settings;
    settings.retention_interval = std::chrono::hours{24};
    return settings;
  }

  /// Options of a backend that only reads.
  static rocksdb_options read_only() {
    rocksdb_options options;
    options.mode = open_mode::read_only;
    return options;
  }

  /// Sends `xs` to storage and waits for the answer of type T.
  template <class T, class... Ts>
  tl::expected<T, caf::error> ask(Ts&&... xs) {
    caf::scoped_actor self{*system_};
    tl::expected<T, caf::error> result = tl::unexpected(caf::error{});
    self->request(storage_, request_timeout, std::forward<Ts>(xs)...)
      .receive([&](T& value) { result = std::move(value); },
               [&](caf::error& error) { result = tl::unexpected(std::move(error)); });
    return result;
  }

  tl::expected<caf::ok_atom, caf::error> persist(write_batch batch) {
    return ask<caf::ok_atom>(atom::persist::value, std::move(batch));
  }

  /// Sends `count` persist requests at once from one actor, then collects every answer.
  /// Returns the number acknowledged; the batches are appended to `sent`.
  std::size_t persist_at_once(std::size_t count, std::vector<write_batch>& sent) {
    caf::scoped_actor self{*system_};
    std::vector<decltype(self->request(storage_, request_timeout, atom::persist::value,
                                       write_batch{}))>
      pending;
    for (std::size_t i = 0; i < count; ++i) {
      sent.push_back(sample_batch(at_ms(static_cast<std::int64_t>(i))));
      pending.push_back(self->request(storage_, request_timeout, atom::persist::value,
                                      sent.back()));
    }
    std::size_t acknowledged = 0;
    for (auto& answer : pending)
      answer.receive([&](caf::ok_atom) { ++acknowledged; },
                     [&](caf::error& error) { ADD_FAILURE() << caf::to_string(error); });
    return acknowledged;
  }

  samples::temp_directory directory_;
  std::unique_ptr<rocksdb_backend> backend_;
  std::shared_ptr<storage_stats> stats_;
  caf::actor_system_config config_;
  std::optional<caf::actor_system> system_;
  storage_actor storage_;
};

TEST_F(storage_test, persisted_records_are_read_back) {
  auto batch = sample_batch();
  ASSERT_TRUE(persist(batch));
  const auto& verification = batch.verifications[0];
  const auto& message = batch.messages[0].record;

  auto view = ask<verification_view>(atom::load::value, verification.id);
  ASSERT_TRUE(view) << caf::to_string(view.error());
  samples::expect_same(verification, view->verification);
  ASSERT_EQ(view->attempts.size(), 1u);
  samples::expect_same(message, view->attempts[0]);

  auto loaded = ask<message_record>(atom::load::value, message.id);
  ASSERT_TRUE(loaded) << caf::to_string(loaded.error());
  samples::expect_same(message, *loaded);

  auto by_sid = ask<message_id>(atom::lookup::value, message.twilio_sid);
  ASSERT_TRUE(by_sid) << caf::to_string(by_sid.error());
  EXPECT_EQ(*by_sid, message.id);

  auto phone = ask<phone_record>(atom::phone::value, verification.phone);
  ASSERT_TRUE(phone) << caf::to_string(phone.error());
  samples::expect_same(batch.phones[0], *phone);
}

TEST_F(storage_test, idempotency_key_is_read_back_after_a_reopen) {
  write_batch batch;
  batch.answers.push_back({"0:k1", "fingerprint", at_ms(7), verification_id::generate(1)});
  ASSERT_TRUE(persist(batch));
  close();
  open();
  auto found = ask<idempotency_record>(atom::lookup::value, idempotency_query{"0:k1"});
  ASSERT_TRUE(found) << caf::to_string(found.error());
  EXPECT_EQ(found->fingerprint, "fingerprint");
  EXPECT_EQ(found->created_at, at_ms(7));
  EXPECT_EQ(found->verification, batch.answers[0].verification);
  auto other = ask<idempotency_record>(atom::lookup::value, idempotency_query{"1:k1"});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error(), caf::make_error(ec::not_found));
}

TEST_F(storage_test, answer_without_key_is_refused) {
  write_batch batch;
  batch.answers.push_back({});
  auto refused = persist(batch);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), caf::make_error(ec::invalid_request));
}

TEST_F(storage_test, unknown_records_are_not_found_and_unknown_phones_fresh) {
  auto view = ask<verification_view>(atom::load::value, verification_id::generate());
  ASSERT_FALSE(view);
  EXPECT_EQ(view.error(), caf::make_error(ec::not_found));
  auto message = ask<message_record>(atom::load::value, message_id::generate());
  ASSERT_FALSE(message);
  EXPECT_EQ(message.error(), caf::make_error(ec::not_found));
  auto by_sid = ask<message_id>(atom::lookup::value, std::string{"SMunknown"});
  ASSERT_FALSE(by_sid);
  EXPECT_EQ(by_sid.error(), caf::make_error(ec::not_found));
  auto phone = ask<phone_record>(atom::phone::value, std::string{"+15005550006"});
  ASSERT_TRUE(phone);
  phone_record fresh;
  fresh.phone = "+15005550006";
  samples::expect_same(fresh, *phone);
}

TEST_F(storage_test, concurrent_persists_from_several_actors_survive_a_reopen) {
  constexpr std::size_t actors = 4;
  constexpr std::size_t per_actor = 100;
  std::vector<std::vector<write_batch>> sent(actors);
  std::atomic<std::size_t> acknowledged{0};
  {
    std::vector<std::jthread> clients;
    for (std::size_t i = 0; i < actors; ++i)
      clients.emplace_back([&, i] { acknowledged += persist_at_once(per_actor, sent[i]); });
  }
  EXPECT_EQ(acknowledged, actors * per_actor);
  EXPECT_EQ(stats_->requests, actors * per_actor);
  close();
  auto reopened = rocksdb_backend::open(directory_.path());
  ASSERT_TRUE(reopened) << reopened.error();
  for (const auto& batches : sent) {
    for (const auto& batch : batches) {
      auto view = (*reopened)->read_view(batch.verifications[0].id);
      ASSERT_TRUE(view && *view) << (view ? "missing" : view.error());
      samples::expect_same(batch.verifications[0], (*view)->verification);
      samples::expect_same(batch.messages[0].record, (*view)->attempts.at(0));
    }
  }
}

TEST_F(storage_test, group_commit_joins_requests_sent_at_once) {
  constexpr std::size_t requests = 1000;
  std::vector<write_batch> sent;
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(persist_at_once(requests, sent), requests);
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(stats_->requests, requests);
  EXPECT_LT(stats_->batches, requests);
  EXPECT_GE(stats_->batches, 1u);
  std::cout << "[ figures  ] " << requests << " persist requests (sync) in " << stats_->batches
            << " group commits, "
            << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
            << " ms\n";
}

TEST_F(storage_test, group_commits_are_timed_and_sized_in_metrics) {
  prometheus_metrics recorded;
  auto settings = quick();
  settings.recorder = &recorded;
  close();
  open({}, settings);
  ASSERT_TRUE(persist(sample_batch()));
  close(); // the actors stop before `recorded` goes away

  auto text = recorded.text();
  EXPECT_NE(text.find("\nverity_storage_commit_duration_seconds_count 1\n"), std::string::npos)
    << text;
  EXPECT_NE(text.find("\nverity_storage_commit_batch_size_sum 1\n"), std::string::npos);
}

TEST_F(storage_test, invalid_request_is_refused_alone) {
  caf::scoped_actor self{*system_};
  write_batch invalid;
  invalid.phones.emplace_back(); // no phone
  auto bad = self->request(storage_, request_timeout, atom::persist::value, invalid);
  auto good = self->request(storage_, request_timeout, atom::persist::value, sample_batch());
  bad.receive([](caf::ok_atom) { ADD_FAILURE() << "invalid batch acknowledged"; },
              [](caf::error& error) { EXPECT_EQ(error, caf::make_error(ec::invalid_request)); });
  good.receive([](caf::ok_atom) {},
               [](caf::error& error) { ADD_FAILURE() << caf::to_string(error); });
}

TEST_F(storage_test, failing_write_answers_storage_failed) {
  auto batch = sample_batch();
  ASSERT_TRUE(persist(batch));
  close();
  open(read_only());
  auto refused = persist(sample_batch());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), caf::make_error(ec::storage_failed));
  EXPECT_EQ(stats_->failed_batches, 1u);
  auto view = ask<verification_view>(atom::load::value, batch.verifications[0].id);
  EXPECT_TRUE(view) << "reads still work";
}

TEST_F(storage_test, writer_runs_retention_between_commits) {
  close();
  rocksdb_options options;
  options.retention.verifications = std::chrono::hours{1};
  auto settings = quick();
  settings.retention_interval = std::chrono::milliseconds{0};
  open(options, settings);
  auto old = sample_batch(now() - std::chrono::hours{2});
  old.verifications[0].status = verification_status::expired;
  ASSERT_TRUE(persist(old));
  // The writer runs a retention step after each commit: once the next request is answered,
  // the step that followed the first commit is done.
  ASSERT_TRUE(persist(sample_batch(now())));
  EXPECT_EQ(stats_->retention_removed, 1u);
  auto view = ask<verification_view>(atom::load::value, old.verifications[0].id);
  ASSERT_FALSE(view);
  EXPECT_EQ(view.error(), caf::make_error(ec::not_found));
}

TEST_F(storage_test, writer_retention_moves_on_to_expired_idempotency_answers) {
  close();
  rocksdb_options options;
  options.retention.answers = std::chrono::hours{1};
  auto settings = quick();
  settings.retention_interval = std::chrono::milliseconds{0};
  open(options, settings);
  write_batch answers;
  answers.answers.push_back(
    {"0:old", "f", now() - std::chrono::hours{2}, verification_id::generate(1)});
  answers.answers.push_back({"0:young", "f", now(), verification_id::generate(2)});
  ASSERT_TRUE(persist(answers));
  // The retention call after the commit walks the (few) verifications, then the answers: once
  // the next request is answered, it is done.
  ASSERT_TRUE(persist(sample_batch(now())));
  EXPECT_EQ(stats_->answers_removed, 1u);
  auto old = ask<idempotency_record>(atom::lookup::value, idempotency_query{"0:old"});
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error(), caf::make_error(ec::not_found));
  EXPECT_TRUE(ask<idempotency_record>(atom::lookup::value, idempotency_query{"0:young"}));
}

} // namespace
} // namespace verity
