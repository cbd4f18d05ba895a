// One message actor on its own, on the deterministic scheduler with virtual time: a stand-in
// phone actor records what it is told, storage and Twilio are the fixture's fakes. The
// transitions seen through the whole phone (receipts, out-of-order and duplicate callbacks,
// a callback before the create answer, the deadline, retries bounded by the code's lifetime,
// permanent errors, a retry dropped once a callback shows the create arrived) are in
// verification_flow_test.cpp; these are the rest.

#include <memory>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include "actors/message_actor.hpp"
#include "tests/actors/actor_fixture.hpp"

namespace verity::test {
namespace {

using namespace std::chrono_literals;
using ds = delivery_status;

/// What the stand-in phone actor was told: every record a message actor reported.
struct parent_data {
  std::vector<message_record> updates;
};

caf::behavior fake_parent(caf::event_based_actor*, std::shared_ptr<parent_data> data) {
  return {
    [data](atom::update, const message_record& record) { data->updates.push_back(record); },
  };
}

class message_actor_test : public actor_fixture {
protected:
  message_actor_test() {
    parent_ = system_->spawn(fake_parent, parent_data_);
  }

  ~message_actor_test() override {
    caf::anon_send_exit(actor_, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(parent_, caf::exit_reason::user_shutdown);
    run();
  }

  static timestamp now() {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now());
  }

  /// Spawns the actor of a new WhatsApp message (stored first, as the phone actor does) in
  /// place of the previous one, and runs until it is idle: it sends the create at once.
  void spawn_message() {
    caf::anon_send_exit(actor_, caf::exit_reason::user_shutdown);
    message_record record;
    record.id = message_id::generate();
    record.verification = verification_id::generate();
    record.to = phone_a;
    record.delivery.merge({ds::created, now(), 0});
    storage_data_->messages[record.id] = record;
    id_ = record.id;
    auto clock_now = system_->clock().now();
    actor_ = system_->spawn(message_actor_behavior,
                            message_setup{record, "123456", caf::actor_cast<phone_actor>(parent_),
                                          caf::actor_cast<egress_actor>(egress_fake_),
                                          caf::actor_cast<storage_actor>(storage_fake_),
                                          settings_, clock_now + settings_->code_ttl,
                                          clock_now + settings_->delivery_timeout, true});
    run();
  }

  /// Delivers a status callback to the actor and returns its answer.
  tl::expected<caf::ok_atom, caf::error> status(ds status, std::uint32_t error_code = 0) {
    return ask<caf::ok_atom>(actor_, atom::status::value,
                             status_callback{id_, phone_a, stored(id_).twilio_sid, status,
                                             error_code, now()});
  }

  const std::vector<message_record>& updates() const {
    return parent_data_->updates;
  }

  std::shared_ptr<parent_data> parent_data_ = std::make_shared<parent_data>();
  caf::actor parent_;
  message_actor actor_;
  message_id id_;
};

TEST_F(message_actor_test, a_change_is_reported_to_the_phone_actor_only_once_durable) {
  storage_data_->hold = true;
  spawn_message();
  ASSERT_EQ(egress_data_->requests.size(), 1u);
  EXPECT_EQ(stored(id_).twilio_sid, "SM1");
  EXPECT_TRUE(updates().empty()) << "reported before the write was durable";
  storage_data_->hold = false;
  caf::anon_send(storage_fake_, release_atom::value);
  run();
  ASSERT_EQ(updates().size(), 1u);
  EXPECT_EQ(updates()[0].delivery.current(), ds::queued);
  EXPECT_EQ(updates()[0].twilio_sid, "SM1");
}

TEST_F(message_actor_test, a_failure_callback_is_reported_to_the_phone_actor) {
  for (auto [outcome, code] : {std::pair{ds::failed, 63003u}, std::pair{ds::undelivered, 30003u}}) {
    SCOPED_TRACE(to_string(outcome));
    parent_data_->updates.clear();
    spawn_message();
    ASSERT_TRUE(status(outcome, code));
    ASSERT_EQ(updates().size(), 2u) << "the create answer, then the failure";
    EXPECT_EQ(updates()[1].delivery.current(), outcome);
    EXPECT_EQ(updates()[1].error_code(), code);
    EXPECT_EQ(stored(id_).delivery.current(), outcome);
  }
}

TEST_F(message_actor_test, an_outcome_before_the_deadline_cancels_it) {
  for (auto outcome : {ds::delivered, ds::read, ds::failed, ds::undelivered}) {
    SCOPED_TRACE(to_string(outcome));
    parent_data_->updates.clear();
    spawn_message();
    ASSERT_TRUE(status(outcome, is_failure(outcome) ? 30003 : 0));
    auto persists = storage_data_->persists;
    auto reported = updates().size();
    advance(settings_->delivery_timeout);
    EXPECT_EQ(stored(id_).delivery.current(), outcome);
    EXPECT_FALSE(stored(id_).delivery.first_seen(ds::timed_out));
    EXPECT_EQ(storage_data_->persists, persists) << "the deadline wrote something";
    EXPECT_EQ(updates().size(), reported) << "the deadline reported something";
  }
}

TEST_F(message_actor_test, each_retry_is_sent_within_its_backoff_ceiling) {
  egress_data_->script = {twilio_error(503, 0), twilio_error(429, 20429)};
  spawn_message();
  advance(settings_->retry.ceiling(0));
  ASSERT_EQ(egress_data_->requests.size(), 2u);
  advance(settings_->retry.ceiling(1));
  ASSERT_EQ(egress_data_->requests.size(), 3u);
  EXPECT_EQ(egress_data_->requests[2].id, id_) << "a retry is the same message";
  EXPECT_EQ(stored(id_).tries, 3u);
  EXPECT_EQ(stored(id_).delivery.current(), ds::queued);
  ASSERT_EQ(updates().size(), 1u) << "planned retries are not reported";
}

TEST_F(message_actor_test, a_retry_waits_at_least_what_retry_after_asks) {
  auto throttled = twilio_error(429, 20429);
  throttled.retry_after = 2s;
  egress_data_->script = {throttled};
  spawn_message();
  advance(2s - 1ms);
  EXPECT_EQ(egress_data_->requests.size(), 1u) << "retried before Retry-After";
  advance(1ms);
  EXPECT_EQ(egress_data_->requests.size(), 2u);
}

TEST_F(message_actor_test, retries_stop_at_the_attempts_a_channel_allows) {
  for (std::uint32_t i = 0; i < settings_->max_attempts_per_channel; ++i)
    egress_data_->script.push_back(twilio_error(429, 20429));
  spawn_message();
  for (std::uint32_t i = 0; i < settings_->max_attempts_per_channel; ++i)
    advance(settings_->retry.cap);
  EXPECT_EQ(egress_data_->requests.size(), settings_->max_attempts_per_channel);
  EXPECT_EQ(stored(id_).delivery.current(), ds::failed);
  EXPECT_EQ(stored(id_).error_code(), 20429u);
  ASSERT_EQ(updates().size(), 1u);
  EXPECT_EQ(updates()[0].delivery.current(), ds::failed);
}

TEST_F(message_actor_test, a_create_without_an_answer_is_retried_as_a_transport_failure) {
  settings_->delivery_timeout = 10min; // the deadline stays out of the way
  egress_data_->hold = true;
  spawn_message();
  ASSERT_EQ(egress_data_->held.size(), 1u);
  egress_data_->hold = false;
  advance(60s); // the time the Twilio client gets to answer
  advance(settings_->retry.ceiling(0));
  ASSERT_EQ(egress_data_->requests.size(), 2u);
  EXPECT_EQ(stored(id_).twilio_sid, "SM2");
  caf::anon_send(egress_fake_, release_atom::value); // the first answer, far too late
  run();
  EXPECT_EQ(stored(id_).twilio_sid, "SM2") << "an answer nobody waits for any more was used";
  EXPECT_EQ(stored(id_).tries, 2u);
}

TEST_F(message_actor_test, a_template_error_without_a_template_fails) {
  settings_->whatsapp_template = false;
  egress_data_->script = {twilio_error(400, 63016)};
  spawn_message();
  advance(settings_->retry.cap);
  EXPECT_EQ(egress_data_->requests.size(), 1u);
  EXPECT_EQ(stored(id_).delivery.current(), ds::failed);
  EXPECT_EQ(stored(id_).error_code(), 63016u);
  ASSERT_EQ(updates().size(), 1u);
  EXPECT_EQ(updates()[0].delivery.current(), ds::failed);
}

} // namespace
} // namespace verity::test
