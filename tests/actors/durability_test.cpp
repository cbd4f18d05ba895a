// What a crash may leave behind, on the deterministic scheduler: an idempotent answer is
// stored in the same write as its verification, a callback that repeats state still on its
// way to disk is acknowledged only once that state is durable, and recovery re-sends a
// never-confirmed attempt as a new attempt with a fresh code (and nothing else).

#include <caf/send.hpp>

#include "engine/routing.hpp"
#include "tests/actors/actor_fixture.hpp"

namespace verity {
namespace {

using namespace std::chrono_literals;
using ds = delivery_status;

class durability : public test::actor_fixture {
protected:
  static timestamp now() {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now());
  }

  /// A verification of phone_b as a crash left it in storage: the code `old_code`, one
  /// WhatsApp attempt, confirmed by Twilio (`twilio_sid` set, `sent`) or not.
  verification_view left_by_crash(const std::string& old_code, const std::string& twilio_sid) {
    auto key = phone_routing_key(settings_->secret, phone_b);
    verification_view view;
    auto& record = view.verification;
    record.id = verification_id::generate(key);
    record.phone = phone_b;
    record.created_at = now() - 2s;
    record.expires_at = record.created_at + 15min;
    record.salt = code_hasher::make_salt();
    record.digest = settings_->hasher->digest(old_code, record.salt);
    message_record attempt;
    attempt.id = message_id::generate(key);
    attempt.verification = record.id;
    attempt.to = phone_b;
    attempt.tries = 1;
    attempt.delivery.merge({ds::created, record.created_at, 0});
    attempt.twilio_sid = twilio_sid;
    if (!twilio_sid.empty())
      attempt.delivery.merge({ds::sent, record.created_at + 1s, 0});
    record.messages.push_back(attempt.id);
    view.attempts.push_back(attempt);
    storage_data_->verifications[record.id] = record;
    storage_data_->messages[attempt.id] = attempt;
    return view;
  }

  /// Whether checking `code` against verification `id` says it is valid.
  bool valid(const verification_id& id, const std::string& code) {
    auto checked = ask<check_result>(shard_, atom::check::value, id, code);
    EXPECT_TRUE(checked) << (checked ? "" : to_string(checked.error()));
    return checked && checked->valid;
  }

  /// Sends a callback for `message` from the test client without waiting for its answer.
  void post_callback(const message_record& message, ds status) {
    (*client_)->send(shard_, atom::status::value,
                     status_callback{message.id, message.to, "SM1", status, 0, now()});
    run();
  }

  /// How many acknowledgements the test client holds.
  std::size_t acknowledgements() {
    std::size_t acks = 0;
    while (try_receive([&](caf::ok_atom) { ++acks; }, [](caf::error&) {}))
      ;
    return acks;
  }
};

TEST_F(durability, idempotency_key_is_stored_in_the_same_write_as_the_verification) {
  verification_request request{phone_a, {}, {}, "en", "0:k1", "fingerprint"};
  auto view = ask<verification_view>(shard_, atom::start::value, request);
  ASSERT_TRUE(view);
  std::size_t with_answer = 0;
  for (const auto& batch : storage_data_->batches) {
    if (batch.answers.empty())
      continue;
    ++with_answer;
    ASSERT_EQ(batch.answers.size(), 1u);
    EXPECT_EQ(batch.answers[0].key, "0:k1");
    EXPECT_EQ(batch.answers[0].fingerprint, "fingerprint");
    EXPECT_EQ(batch.answers[0].verification, view->verification.id);
    ASSERT_EQ(batch.verifications.size(), 1u) << "answer and verification written apart";
    EXPECT_EQ(batch.verifications[0].id, view->verification.id);
    ASSERT_EQ(batch.messages.size(), 1u);
    EXPECT_EQ(batch.messages[0].id, view->attempts[0].id);
  }
  EXPECT_EQ(with_answer, 1u);

  start(phone_b); // no Idempotency-Key: nothing to store
  for (const auto& batch : storage_data_->batches)
    EXPECT_TRUE(batch.answers.empty() || batch.answers[0].key == "0:k1");
}

TEST_F(durability, repeated_callback_is_acknowledged_once_the_state_is_durable) {
  auto view = start(phone_a);
  auto message = stored(view.attempts[0].id);
  storage_data_->hold = true;
  post_callback(message, ds::delivered); // changes the state: stored, held
  post_callback(message, ds::delivered); // a duplicate of it
  post_callback(message, ds::sent);      // stale behind it
  EXPECT_EQ(acknowledgements(), 0u) << "acknowledged a state that is not durable yet";
  storage_data_->hold = false;
  caf::anon_send(storage_fake_, test::release_atom::value);
  run();
  EXPECT_EQ(acknowledgements(), 3u);
  post_callback(message, ds::delivered); // durable now: answered at once
  EXPECT_EQ(acknowledgements(), 1u);
  EXPECT_EQ(stored(message.id).delivery.current(), ds::delivered);
}

TEST_F(durability, recovery_resends_an_unconfirmed_attempt_as_a_new_one_with_a_fresh_code) {
  auto view = left_by_crash("123456", "");
  auto old_attempt = view.attempts[0].id;
  caf::anon_send(shard_, atom::recover::value, view);
  run();
  ASSERT_EQ(egress_data_->requests.size(), 1u);
  const auto& resent = egress_data_->requests[0];
  EXPECT_NE(resent.id, old_attempt) << "one message id must never be created twice";
  EXPECT_NE(resent.code, "123456");
  EXPECT_EQ(resent.via, channel::whatsapp);
  auto after = get(view.verification.id);
  ASSERT_EQ(after.attempts.size(), 2u);
  EXPECT_EQ(after.attempts[0].id, old_attempt);
  EXPECT_EQ(after.attempts[1].id, resent.id);
  EXPECT_EQ(storage_data_->verifications.at(view.verification.id).messages.size(), 2u);

  // The first attempt did reach Twilio after all: its callbacks land on it, not on the new one.
  callback(stored(old_attempt), ds::delivered);
  after = get(view.verification.id);
  EXPECT_EQ(after.attempts[0].delivery.current(), ds::delivered);
  EXPECT_NE(after.attempts[1].delivery.current(), ds::delivered);
  advance(settings_->delivery_timeout);
  EXPECT_EQ(egress_data_->requests.size(), 1u) << "nothing more is sent";

  EXPECT_FALSE(valid(view.verification.id, "123456")) << "the old code still matches";
  EXPECT_TRUE(valid(view.verification.id, resent.code));
}

TEST_F(durability, recovery_sends_nothing_for_an_attempt_twilio_confirmed) {
  auto view = left_by_crash("123456", "SMconfirmed");
  caf::anon_send(shard_, atom::recover::value, view);
  run();
  advance(settings_->delivery_timeout);
  EXPECT_TRUE(egress_data_->requests.empty());
  EXPECT_EQ(get(view.verification.id).attempts.size(), 1u);
  EXPECT_TRUE(valid(view.verification.id, "123456"));
}

} // namespace
} // namespace verity
