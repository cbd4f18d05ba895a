// Every send passes the same limits, whatever triggered it, on the deterministic scheduler: an
// automatic fallback or a recovery resend refused by the send guard (prefix, country, breaker)
// or the per-phone limit is not sent, and the verification records why.

#include <algorithm>

#include <caf/send.hpp>

#include "actors/send_guard_actor.hpp"
#include "engine/routing.hpp"
#include "tests/actors/actor_fixture.hpp"

namespace verity {
namespace {

using namespace std::chrono_literals;
using ds = delivery_status;

class guarded_sends : public test::actor_fixture {
protected:
  /// Replaces the fixture's shard by one whose send guard admits `prefix_sends` per prefix.
  void limit_prefix_to(std::uint32_t prefix_sends) {
    auto limits = send_limits_;
    limits.prefix.count = prefix_sends;
    guard_ = spawn_send_guard(*system_, limits);
    caf::anon_send_exit(shard_, caf::exit_reason::kill);
    run();
    shard_ = spawn_shard(guard_);
  }

  /// Replaces the fixture's shard by one whose guard admits `prefix_sends` per prefix and was
  /// started with `past`, as after a restart.
  void restart_guard(std::uint32_t prefix_sends, std::vector<past_send> past) {
    auto limits = send_limits_;
    limits.prefix.count = prefix_sends;
    if (guard_)
      caf::anon_send_exit(guard_, caf::exit_reason::user_shutdown);
    guard_ = spawn_send_guard(*system_, limits, std::move(past));
    caf::anon_send_exit(shard_, caf::exit_reason::kill);
    run();
    shard_ = spawn_shard(guard_);
  }

  /// The sends the fake storage holds, oldest first, as the start-up scan reads them.
  std::vector<past_send> stored_sends() const {
    std::vector<past_send> sends;
    for (const auto& [id, message] : storage_data_->messages)
      sends.push_back({message.to, *message.delivery.first_seen(ds::created)});
    std::sort(sends.begin(), sends.end(),
              [](const past_send& a, const past_send& b) { return a.at < b.at; });
    return sends;
  }

  /// Expects the latest attempt of `id` to be a refused, never sent attempt over `via`.
  void expect_refused_latest(const verification_id& id, channel via) {
    auto view = get(id);
    ASSERT_FALSE(view.attempts.empty());
    const auto& latest = view.attempts.back();
    EXPECT_EQ(latest.via, via);
    EXPECT_EQ(latest.delivery.current(), ds::failed);
    EXPECT_EQ(latest.not_sent, not_sent_reason::send_limit);
    EXPECT_TRUE(latest.twilio_sid.empty());
    EXPECT_EQ(stored(latest.id).not_sent, not_sent_reason::send_limit) << "not recorded durably";
  }

  ~guarded_sends() override {
    if (guard_)
      caf::anon_send_exit(guard_, caf::exit_reason::user_shutdown);
  }

  send_guard_actor guard_;
};

TEST_F(guarded_sends, automatic_fallback_refused_by_the_prefix_limit_is_recorded_not_sent) {
  limit_prefix_to(1);
  settings_->recorder = &recorded_;
  auto view = start(phone_a, channel_preference::whatsapp, fallback_policy::automatic);
  ASSERT_EQ(egress_data_->requests.size(), 1u);
  callback(stored(view.attempts[0].id), ds::failed, 63003);
  EXPECT_EQ(egress_data_->requests.size(), 1u) << "the fallback went past the prefix limit";
  expect_refused_latest(view.verification.id, channel::sms);
  EXPECT_NE(recorded_.text().find(
              "verity_messages_not_sent_total{channel=\"sms\",reason=\"send_limit\"} 1"),
            std::string::npos);
  advance(settings_->delivery_timeout);
  EXPECT_EQ(egress_data_->requests.size(), 1u) << "a refused attempt must have no follow-up";
}

TEST_F(guarded_sends, automatic_fallback_refused_by_the_per_phone_limit_is_recorded_not_sent) {
  settings_->send_limit = {1, 10min};
  auto view = start(phone_a, channel_preference::whatsapp, fallback_policy::automatic);
  callback(stored(view.attempts[0].id), ds::failed, 63003);
  EXPECT_EQ(egress_data_->requests.size(), 1u);
  expect_refused_latest(view.verification.id, channel::sms);
}

TEST_F(guarded_sends, a_same_channel_retry_after_a_transient_failure_passes_the_guard) {
  limit_prefix_to(1);
  auto view = start(phone_a, channel_preference::sms, fallback_policy::none);
  callback(stored(view.attempts[0].id), ds::failed, 30001); // queue overflow: transient
  EXPECT_EQ(egress_data_->requests.size(), 1u);
  expect_refused_latest(view.verification.id, channel::sms);
}

TEST_F(guarded_sends, after_a_restart_the_prefix_limit_still_counts_earlier_sends) {
  restart_guard(2, {});
  start(phone_a);
  start("+12015550124"); // the same prefix, another phone: the prefix is now full
  restart_guard(2, stored_sends());
  auto refused = try_start(shard_, "+12015550125");
  ASSERT_FALSE(refused) << "the restart reset the prefix limit";
  EXPECT_EQ(refused.error(), ec::rate_limited);
  EXPECT_EQ(egress_data_->requests.size(), 2u);
}

TEST_F(guarded_sends, sends_older_than_the_window_do_not_count_after_a_restart) {
  auto long_ago = std::chrono::time_point_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now())
                  - send_limits_.prefix.window - 1min;
  restart_guard(1, {{phone_a, long_ago}});
  EXPECT_TRUE(try_start(shard_, "+12015550125"));
}

TEST_F(guarded_sends, a_recovery_resend_passes_the_guard) {
  limit_prefix_to(0); // nothing may go to this prefix
  auto key = phone_routing_key(settings_->secret, phone_b);
  verification_view view;
  auto& record = view.verification;
  record.id = verification_id::generate(key);
  record.phone = phone_b;
  record.created_at = std::chrono::time_point_cast<std::chrono::milliseconds>(
    std::chrono::system_clock::now());
  record.expires_at = record.created_at + 15min;
  message_record attempt;
  attempt.id = message_id::generate(key);
  attempt.verification = record.id;
  attempt.to = phone_b;
  attempt.delivery.merge({ds::created, record.created_at, 0});
  record.messages.push_back(attempt.id);
  view.attempts.push_back(attempt);
  storage_data_->verifications[record.id] = record;
  storage_data_->messages[attempt.id] = attempt;
  caf::anon_send(shard_, atom::recover::value, view);
  run();
  EXPECT_TRUE(egress_data_->requests.empty()) << "the recovery resend skipped the guard";
  expect_refused_latest(record.id, channel::whatsapp);
}

} // namespace
} // namespace verity
