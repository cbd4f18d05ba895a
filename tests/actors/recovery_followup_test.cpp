// Recovery finishes the follow-up a failure called for before a crash, exactly once, on the
// deterministic scheduler: the automatic SMS fallback of a WhatsApp attempt that had failed or
// timed out is sent at recovery, never again after a second recovery, and not at all when the
// verification's record already lists it.

#include <caf/send.hpp>

#include "engine/routing.hpp"
#include "tests/actors/actor_fixture.hpp"

namespace verity {
namespace {

using namespace std::chrono_literals;
using ds = delivery_status;

class recovery_followup : public test::actor_fixture {
protected:
  static timestamp now() {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now());
  }

  /// Stores a verification of phone_b under `policy` whose code was `old_code`, as a crash left
  /// it: no attempt yet.
  verification_record& stored_verification(fallback_policy policy, const std::string& old_code) {
    auto key = phone_routing_key(settings_->secret, phone_b);
    verification_record record;
    record.id = verification_id::generate(key);
    record.phone = phone_b;
    record.fallback = policy;
    record.created_at = now() - 30s;
    record.expires_at = record.created_at + 15min;
    record.salt = code_hasher::make_salt();
    record.digest = settings_->hasher->digest(old_code, record.salt);
    return storage_data_->verifications[record.id] = record;
  }

  /// Stores an attempt of `record` over `via` that Twilio took (`SM...`) and that then reached
  /// `outcome` (with `error_code`).
  message_record& stored_attempt(verification_record& record, channel via, ds outcome,
                                 std::uint32_t error_code = 0) {
    message_record attempt;
    attempt.id = message_id::generate(phone_routing_key(settings_->secret, phone_b));
    attempt.verification = record.id;
    attempt.to = phone_b;
    attempt.via = via;
    attempt.tries = 1;
    attempt.twilio_sid = "SMstored" + std::to_string(record.messages.size());
    attempt.delivery.merge({ds::created, record.created_at, 0});
    attempt.delivery.merge({ds::sent, record.created_at + 1s, 0});
    if (outcome != ds::sent)
      attempt.delivery.merge({outcome, record.created_at + 12s, error_code});
    record.messages.push_back(attempt.id);
    return storage_data_->messages[attempt.id] = attempt;
  }

  /// What the storage recovery scan reads for verification `id`.
  verification_view in_storage(const verification_id& id) {
    verification_view view;
    view.verification = storage_data_->verifications.at(id);
    for (const auto& message : view.verification.messages)
      view.attempts.push_back(storage_data_->messages.at(message));
    return view;
  }

  /// Recovers verification `id` from storage into `shard`, as a start after a crash does.
  void recover_into(const phone_directory_actor& shard, const verification_id& id) {
    caf::anon_send(shard, atom::recover::value, in_storage(id));
    run();
  }

  /// Whether checking `code` against verification `id` says it is valid.
  bool valid(const verification_id& id, const std::string& code) {
    auto checked = ask<check_result>(shard_, atom::check::value, id, code);
    return checked && checked->valid;
  }
};

TEST_F(recovery_followup, a_whatsapp_attempt_timed_out_before_the_crash_falls_back_at_recovery) {
  auto& record = stored_verification(fallback_policy::automatic, "123456");
  stored_attempt(record, channel::whatsapp, ds::timed_out);
  recover_into(shard_, record.id);
  ASSERT_EQ(egress_data_->requests.size(), 1u) << "the due SMS fallback was not sent";
  const auto& fallback = egress_data_->requests[0];
  EXPECT_EQ(fallback.via, channel::sms);
  EXPECT_NE(fallback.code, "123456") << "the old code was never stored: a fresh one is needed";
  auto view = in_storage(record.id);
  ASSERT_EQ(view.attempts.size(), 2u);
  EXPECT_EQ(view.attempts[1].via, channel::sms);
  EXPECT_FALSE(view.attempts[1].twilio_sid.empty());
  EXPECT_TRUE(valid(record.id, fallback.code));
}

TEST_F(recovery_followup, recovered_twice_does_not_send_twice) {
  auto& record = stored_verification(fallback_policy::automatic, "123456");
  stored_attempt(record, channel::whatsapp, ds::failed, 63003);
  auto id = record.id;
  recover_into(shard_, id);
  ASSERT_EQ(egress_data_->requests.size(), 1u);
  EXPECT_EQ(egress_data_->requests[0].via, channel::sms);

  // A second crash: a fresh engine recovers what storage holds now.
  caf::anon_send_exit(shard_, caf::exit_reason::kill);
  run();
  shard_ = spawn_shard(send_guard_);
  recover_into(shard_, id);
  advance(settings_->delivery_timeout);
  EXPECT_EQ(egress_data_->requests.size(), 1u) << "the fallback was sent again";
  EXPECT_EQ(in_storage(id).attempts.size(), 2u);
}

TEST_F(recovery_followup, fallback_already_stored_is_not_repeated) {
  auto& record = stored_verification(fallback_policy::automatic, "123456");
  stored_attempt(record, channel::whatsapp, ds::failed, 63003);
  stored_attempt(record, channel::sms, ds::sent);
  auto id = record.id;
  recover_into(shard_, id);
  advance(settings_->delivery_timeout);
  EXPECT_TRUE(egress_data_->requests.empty());
  EXPECT_EQ(in_storage(id).attempts.size(), 2u);
  EXPECT_TRUE(valid(id, "123456")) << "the code the SMS carried must keep working";
}

TEST_F(recovery_followup, a_failed_stored_fallback_does_not_fall_back_again) {
  auto& record = stored_verification(fallback_policy::automatic, "123456");
  stored_attempt(record, channel::whatsapp, ds::failed, 63003);
  stored_attempt(record, channel::sms, ds::undelivered, 30003);
  recover_into(shard_, record.id);
  advance(settings_->delivery_timeout);
  EXPECT_TRUE(egress_data_->requests.empty());
}

TEST_F(recovery_followup, a_manual_policy_failure_sends_nothing_at_recovery) {
  auto& record = stored_verification(fallback_policy::manual, "123456");
  stored_attempt(record, channel::whatsapp, ds::timed_out);
  recover_into(shard_, record.id);
  advance(settings_->delivery_timeout);
  EXPECT_TRUE(egress_data_->requests.empty());
  EXPECT_TRUE(valid(record.id, "123456"));
}

} // namespace
} // namespace verity
