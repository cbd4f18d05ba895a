// How a verification ends and what it answers afterwards: locked by wrong checks, canceled by
// the client, and a message its deadline caught still waiting in Verity's egress queue. On
// CAF's deterministic scheduler with virtual time; storage and Twilio are scripted fakes.

#include "tests/actors/actor_fixture.hpp"

#include "engine/code.hpp"

namespace verity::test {
namespace {

using namespace std::chrono_literals;
using ds = delivery_status;

class verification_end : public actor_fixture {
protected:
  tl::expected<check_result, caf::error> check(const phone_directory_actor& shard,
                                               const verification_id& id, std::string code) {
    return ask<check_result>(shard, atom::check::value, id, std::move(code));
  }

  tl::expected<verification_view, caf::error> cancel(const phone_directory_actor& shard,
                                                     const verification_id& id) {
    return ask<verification_view>(shard, atom::cancel::value, id);
  }

  /// A code that is not `code`.
  static std::string wrong_for(const std::string& code) {
    return code == "000000" ? std::string{"111111"} : std::string{"000000"};
  }
};

TEST_F(verification_end, every_check_after_the_lock_answers_max_attempts_reached) {
  auto view = start(phone_a);
  auto id = view.verification.id;
  auto code = egress_data_->requests[0].code;
  for (std::uint32_t i = 0; i < settings_->max_checks; ++i)
    (void)check(shard_, id, wrong_for(code));
  for (const auto& attempt : {code, wrong_for(code)}) {
    auto result = check(shard_, id, attempt);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), ec::max_attempts_reached) << to_string(result.error());
  }
  EXPECT_EQ(get(id).verification.status, verification_status::max_attempts_reached);
  // The lock is stored: a shard that never saw the verification (as after a restart) reads it.
  auto fresh = spawn_shard(send_guard_);
  auto after_restart = check(fresh, id, code);
  ASSERT_FALSE(after_restart);
  EXPECT_EQ(after_restart.error(), ec::max_attempts_reached) << to_string(after_restart.error());
  caf::anon_send_exit(fresh, caf::exit_reason::user_shutdown);
}

TEST_F(verification_end, expired_approved_and_unknown_checks_stay_not_found) {
  auto approved = start(phone_a);
  auto code = egress_data_->requests[0].code;
  ASSERT_TRUE(check(shard_, approved.verification.id, code));
  auto again = check(shard_, approved.verification.id, code);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), ec::not_found);
  auto expiring = start(phone_b);
  advance(settings_->code_ttl);
  auto expired = check(shard_, expiring.verification.id, "123456");
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error(), ec::not_found);
  auto unknown = check(shard_, verification_id::generate(), "123456");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error(), ec::not_found);
}

TEST_F(verification_end, cancel_is_stored_and_the_code_never_approves) {
  auto view = start(phone_a);
  auto id = view.verification.id;
  auto code = egress_data_->requests[0].code;
  storage_data_->hold = true;
  (*client_)->send(shard_, atom::cancel::value, id);
  run();
  bool answered = false;
  try_receive([&](verification_view&) { answered = true; }, [&](caf::error&) { answered = true; });
  EXPECT_FALSE(answered) << "answered before the cancel was durable";
  storage_data_->hold = false;
  caf::anon_send(storage_fake_, release_atom::value);
  run();
  std::optional<verification_view> canceled;
  try_receive([&](verification_view& answer) { canceled = std::move(answer); });
  ASSERT_TRUE(canceled);
  EXPECT_EQ(canceled->verification.status, verification_status::canceled);
  const auto& stored_record = storage_data_->verifications.at(id);
  EXPECT_EQ(stored_record.status, verification_status::canceled);
  EXPECT_EQ(stored_record.digest, code_digest{}) << "the code hash dies with the cancel";
  auto checked = check(shard_, id, code);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error(), ec::not_found);
  EXPECT_EQ(get(id).verification.status, verification_status::canceled);
  // Canceling again answers the same, from the phone actor and from a fresh shard.
  auto twice = cancel(shard_, id);
  ASSERT_TRUE(twice) << to_string(twice.error());
  EXPECT_EQ(twice->verification.status, verification_status::canceled);
  auto fresh = spawn_shard(send_guard_);
  auto after_restart = cancel(fresh, id);
  ASSERT_TRUE(after_restart) << to_string(after_restart.error());
  EXPECT_EQ(after_restart->verification.id, id);
  EXPECT_EQ(after_restart->verification.status, verification_status::canceled);
  caf::anon_send_exit(fresh, caf::exit_reason::user_shutdown);
  // Nothing more is sent for it: no resend, no expiry write.
  auto resent = ask<verification_view>(shard_, atom::resend::value, id, channel::sms);
  ASSERT_FALSE(resent);
  EXPECT_EQ(resent.error(), ec::not_found);
  advance(settings_->code_ttl);
  EXPECT_EQ(storage_data_->verifications.at(id).status, verification_status::canceled);
  EXPECT_EQ(egress_data_->requests.size(), 1u);
}

TEST_F(verification_end, cancel_refuses_approved_and_unknown) {
  auto view = start(phone_a);
  ASSERT_TRUE(check(shard_, view.verification.id, egress_data_->requests[0].code));
  auto approved = cancel(shard_, view.verification.id);
  ASSERT_FALSE(approved);
  EXPECT_EQ(approved.error(), ec::invalid_request);
  EXPECT_EQ(storage_data_->verifications.at(view.verification.id).status,
            verification_status::approved);
  auto unknown = cancel(shard_, verification_id::generate());
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error(), ec::not_found);
}

TEST_F(verification_end, cancel_drops_a_send_still_waiting_in_egress) {
  egress_data_->queue = true;
  auto view = start(phone_a);
  ASSERT_EQ(egress_data_->queued.size(), 1u);
  ASSERT_TRUE(cancel(shard_, view.verification.id));
  ASSERT_EQ(egress_data_->withdrawn.size(), 1u);
  EXPECT_EQ(egress_data_->withdrawn[0], view.attempts[0].id);
  EXPECT_TRUE(egress_data_->queued.empty()) << "the queued send would still go out";
}

TEST_F(verification_end, cancel_stops_a_retry_that_was_due) {
  egress_data_->script = {twilio_error(503, 0)};
  auto view = start(phone_a);
  ASSERT_EQ(egress_data_->requests.size(), 1u);
  ASSERT_TRUE(cancel(shard_, view.verification.id));
  advance(settings_->retry.cap);
  advance(settings_->delivery_timeout);
  EXPECT_EQ(egress_data_->requests.size(), 1u) << "a canceled verification's retry was sent";
}

TEST_F(verification_end, a_send_the_deadline_finds_in_the_egress_queue_is_withdrawn_as_not_sent) {
  settings_->recorder = &recorded_;
  egress_data_->queue = true;
  auto view = start(phone_a, channel_preference::whatsapp, fallback_policy::automatic);
  auto whatsapp = view.attempts[0].id;
  advance(settings_->delivery_timeout);
  ASSERT_EQ(egress_data_->withdrawn.size(), 1u);
  EXPECT_EQ(egress_data_->withdrawn[0], whatsapp);
  const auto& message = stored(whatsapp);
  EXPECT_EQ(message.delivery.current(), ds::timed_out);
  EXPECT_EQ(message.not_sent, not_sent_reason::sender_rate);
  EXPECT_TRUE(message.twilio_sid.empty());
  EXPECT_NE(recorded_.text().find(
              R"(verity_messages_not_sent_total{channel="whatsapp",reason="sender_rate"} 1)"),
            std::string::npos)
    << recorded_.text();
  // The SMS fallback goes out; the withdrawn WhatsApp message never does.
  ASSERT_EQ(egress_data_->requests.size(), 2u);
  EXPECT_EQ(egress_data_->requests[1].via, channel::sms);
  egress_data_->queue = false;
  caf::anon_send(egress_fake_, release_atom::value);
  run();
  EXPECT_EQ(stored(whatsapp).delivery.current(), ds::timed_out);
  EXPECT_EQ(get(view.verification.id).attempts.at(1).delivery.current(), ds::queued);
}

TEST_F(verification_end, a_send_already_with_twilio_times_out_as_usual) {
  egress_data_->hold = true; // on the wire: Twilio has not answered yet
  auto view = start(phone_a);
  advance(settings_->delivery_timeout);
  EXPECT_EQ(egress_data_->withdrawals.size(), 1u) << "the deadline asks egress first";
  const auto& message = stored(view.attempts[0].id);
  EXPECT_EQ(message.delivery.current(), ds::timed_out);
  EXPECT_EQ(message.not_sent, not_sent_reason::none);
  egress_data_->hold = false;
  caf::anon_send(egress_fake_, release_atom::value);
  run();
}

} // namespace
} // namespace verity::test
