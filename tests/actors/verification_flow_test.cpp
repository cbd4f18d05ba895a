// The life of a verification through the directory shard, phone actor and message actors, on
// CAF's deterministic scheduler with virtual time; storage and Twilio are scripted fakes.

#include "tests/actors/actor_fixture.hpp"

#include <caf/typed_event_based_actor.hpp>

#include "actors/send_guard_actor.hpp"
#include "engine/code.hpp"

namespace verity::test {
namespace {

using namespace std::chrono_literals;
using ds = delivery_status;

class verification_flow : public actor_fixture {};

TEST_F(verification_flow, happy_path_with_receipts) {
  auto view = start(phone_a);
  ASSERT_EQ(view.attempts.size(), 1u);
  EXPECT_EQ(view.verification.status, verification_status::pending);
  EXPECT_EQ(view.attempts[0].via, channel::whatsapp);
  EXPECT_EQ(view.attempts[0].delivery.current(), ds::created); // answered before Twilio
  ASSERT_EQ(egress_data_->requests.size(), 1u);
  const auto& sent = egress_data_->requests[0];
  EXPECT_EQ(sent.to, phone_a);
  EXPECT_EQ(sent.code.size(), 6u);
  EXPECT_NE(sent.body.find(sent.code), std::string::npos);
  // Only the keyed hash of the code is stored.
  const auto& stored_verification = storage_data_->verifications.at(view.verification.id);
  EXPECT_TRUE(settings_->hasher->matches(sent.code, stored_verification.salt,
                                         stored_verification.digest));
  auto message = stored(view.attempts[0].id);
  EXPECT_EQ(message.twilio_sid, "SM1");
  EXPECT_EQ(message.delivery.current(), ds::queued);

  callback(message, ds::sent);
  callback(message, ds::delivered);
  callback(message, ds::read);
  auto after = get(view.verification.id);
  EXPECT_EQ(after.latest_delivery(), ds::read);
  EXPECT_TRUE(after.attempts[0].delivery.first_seen(ds::delivered).has_value());

  auto checked = ask<check_result>(shard_, atom::check::value, view.verification.id, sent.code);
  ASSERT_TRUE(checked);
  EXPECT_TRUE(checked->valid);
  EXPECT_EQ(checked->status, verification_status::approved);
  EXPECT_EQ(storage_data_->verifications.at(view.verification.id).status,
            verification_status::approved);
}

TEST_F(verification_flow, answer_waits_until_durable) {
  storage_data_->hold = true;
  (*client_)->send(shard_, atom::start::value, verification_request{phone_a, {}, {}, "en"});
  run();
  bool answered = false;
  try_receive([&](verification_view&) { answered = true; },
                      [&](caf::error&) { answered = true; });
  EXPECT_FALSE(answered) << "answered before the write was durable";
  EXPECT_TRUE(egress_data_->requests.empty()) << "Twilio called before the state was stored";
  storage_data_->hold = false;
  caf::anon_send(storage_fake_, release_atom::value);
  run();
  try_receive([&](verification_view&) { answered = true; });
  EXPECT_TRUE(answered);
  EXPECT_EQ(egress_data_->requests.size(), 1u);
}

TEST_F(verification_flow, deadline_fires_at_exactly_the_configured_time) {
  auto view = start(phone_a);
  auto id = view.attempts[0].id;
  advance(settings_->delivery_timeout - 1ms);
  EXPECT_EQ(stored(id).delivery.current(), ds::queued);
  advance(1ms);
  EXPECT_EQ(stored(id).delivery.current(), ds::timed_out);
  EXPECT_EQ(get(view.verification.id).latest_delivery(), ds::timed_out);
  EXPECT_EQ(egress_data_->requests.size(), 1u) << "manual fallback: no SMS by itself";
}

TEST_F(verification_flow, manual_fallback_resends_the_same_code_by_sms) {
  auto view = start(phone_a);
  callback(stored(view.attempts[0].id), ds::failed, 63003);
  EXPECT_EQ(egress_data_->requests.size(), 1u);
  auto resent = ask<verification_view>(shard_, atom::resend::value, view.verification.id,
                                       channel::sms);
  ASSERT_TRUE(resent);
  ASSERT_EQ(resent->attempts.size(), 2u);
  ASSERT_EQ(egress_data_->requests.size(), 2u);
  EXPECT_EQ(egress_data_->requests[1].via, channel::sms);
  EXPECT_EQ(egress_data_->requests[1].code, egress_data_->requests[0].code);
}

TEST_F(verification_flow, automatic_fallback_on_timeout_and_late_receipt) {
  auto view = start(phone_a, channel_preference::automatic, fallback_policy::automatic);
  auto whatsapp = view.attempts[0];
  advance(settings_->delivery_timeout);
  ASSERT_EQ(egress_data_->requests.size(), 2u);
  EXPECT_EQ(egress_data_->requests[1].via, channel::sms);
  EXPECT_EQ(egress_data_->requests[1].code, egress_data_->requests[0].code);
  // The late WhatsApp receipt is recorded and causes no third send.
  callback(stored(whatsapp.id), ds::delivered);
  EXPECT_EQ(stored(whatsapp.id).delivery.current(), ds::delivered);
  EXPECT_EQ(egress_data_->requests.size(), 2u);
  // The SMS failing too sends nothing more: the fallback happens once.
  auto sms = get(view.verification.id).attempts[1];
  callback(stored(sms.id), ds::undelivered, 30003);
  advance(settings_->delivery_timeout);
  EXPECT_EQ(egress_data_->requests.size(), 2u);
}

TEST_F(verification_flow, automatic_fallback_on_whatsapp_failure_marks_phone) {
  auto view = start(phone_a, channel_preference::automatic, fallback_policy::automatic);
  callback(stored(view.attempts[0].id), ds::failed, 63003);
  ASSERT_EQ(egress_data_->requests.size(), 2u);
  EXPECT_EQ(egress_data_->requests[1].via, channel::sms);
  ASSERT_FALSE(storage_data_->phones.at(phone_a).whatsapp_history.empty());
  EXPECT_EQ(storage_data_->phones.at(phone_a).whatsapp_history.back().outcome,
            whatsapp_outcome::not_on_whatsapp);
  // The next verification for this phone goes straight to SMS.
  auto next = start(phone_a);
  EXPECT_EQ(next.attempts[0].via, channel::sms);
  EXPECT_EQ(next.verification.why_channel, channel_reason::auto_phone_not_on_whatsapp);
}

TEST_F(verification_flow, fallback_none_sends_nothing_more) {
  auto view = start(phone_a, channel_preference::automatic, fallback_policy::none);
  callback(stored(view.attempts[0].id), ds::undelivered, 30003);
  advance(settings_->delivery_timeout);
  EXPECT_EQ(egress_data_->requests.size(), 1u);
  EXPECT_EQ(get(view.verification.id).verification.status, verification_status::pending);
}

TEST_F(verification_flow, out_of_order_and_duplicate_callbacks) {
  auto view = start(phone_a);
  auto message = stored(view.attempts[0].id);
  callback(message, ds::delivered);
  callback(message, ds::sent);
  callback(message, ds::delivered);
  callback(message, ds::queued);
  auto persists = storage_data_->persists;
  callback(message, ds::delivered); // a pure duplicate stores nothing
  EXPECT_EQ(storage_data_->persists, persists);
  auto after = stored(message.id);
  EXPECT_EQ(after.delivery.current(), ds::delivered);
  EXPECT_TRUE(after.delivery.first_seen(ds::sent).has_value());
}

TEST_F(verification_flow, callback_before_the_create_response_is_kept) {
  egress_data_->hold = true;
  auto view = start(phone_a);
  auto id = view.attempts[0].id;
  ASSERT_EQ(egress_data_->held.size(), 1u);
  auto at = std::chrono::time_point_cast<std::chrono::milliseconds>(
    std::chrono::system_clock::now());
  auto ack = ask<caf::ok_atom>(shard_, atom::status::value,
                               status_callback{id, phone_a, "SM1", ds::sent, 0, at});
  ASSERT_TRUE(ack);
  EXPECT_EQ(stored(id).delivery.current(), ds::sent);
  EXPECT_EQ(stored(id).twilio_sid, "SM1");
  caf::anon_send(egress_fake_, release_atom::value);
  run();
  EXPECT_EQ(stored(id).delivery.current(), ds::sent) << "the create response moved it back";
  EXPECT_EQ(stored(id).twilio_sid, "SM1");
}

TEST_F(verification_flow, transient_errors_are_retried_with_backoff) {
  egress_data_->script = {twilio_error(429, 20429), twilio_error(503, 0)};
  auto view = start(phone_a);
  EXPECT_EQ(egress_data_->requests.size(), 1u);
  advance(settings_->retry.cap); // longer than any jittered delay of the first two retries
  advance(settings_->retry.cap);
  EXPECT_EQ(egress_data_->requests.size(), 3u);
  EXPECT_EQ(stored(view.attempts[0].id).delivery.current(), ds::queued);
  EXPECT_EQ(stored(view.attempts[0].id).tries, 3u);
}

TEST_F(verification_flow, a_lost_create_answer_is_not_resent_once_a_callback_shows_it_arrived) {
  auto lost = twilio_error(0, 0); // no answer: Twilio may or may not have the message
  lost.error_message = "Timeout was reached";
  egress_data_->script = {lost, lost};
  settings_->recorder = &recorded_;
  auto arrived = start(phone_a).attempts[0].id;
  auto unknown = start(phone_b).attempts[0].id;
  ASSERT_EQ(egress_data_->requests.size(), 2u);
  auto at = std::chrono::time_point_cast<std::chrono::milliseconds>(
    std::chrono::system_clock::now());
  ASSERT_TRUE(ask<caf::ok_atom>(shard_, atom::status::value,
                                status_callback{arrived, phone_a, "SM7", ds::sent, 0, at}));
  advance(settings_->retry.cap); // past the jittered first retry
  ASSERT_EQ(egress_data_->requests.size(), 3u)
    << "only the message nothing was heard of is retried";
  EXPECT_EQ(egress_data_->requests.back().id, unknown);
  EXPECT_EQ(stored(arrived).tries, 1u);
  EXPECT_EQ(stored(arrived).twilio_sid, "SM7");
  EXPECT_EQ(stored(arrived).delivery.current(), ds::sent);
  EXPECT_EQ(stored(unknown).tries, 2u);
  EXPECT_NE(recorded_.text().find("verity_retries_total{class=\"transport\"} 1\n"),
            std::string::npos)
    << "only the retry sent is counted";
}

TEST_F(verification_flow, retries_stop_at_the_code_lifetime) {
  settings_->code_ttl = 2s;
  settings_->delivery_timeout = 1s;
  settings_->retry = retry_policy{std::chrono::milliseconds{1500}, std::chrono::milliseconds{60'000}};
  settings_->max_attempts_per_channel = 100;
  for (int i = 0; i < 100; ++i)
    egress_data_->script.push_back(twilio_error(500, 0));
  auto view = start(phone_a);
  advance(10s);
  auto message = stored(view.attempts[0].id);
  EXPECT_EQ(message.delivery.current(), ds::failed);
  EXPECT_LT(egress_data_->requests.size(), 5u) << "retried past the code's lifetime";
  EXPECT_EQ(storage_data_->verifications.at(view.verification.id).status,
            verification_status::expired);
}

TEST_F(verification_flow, permanent_errors_fail_without_retry) {
  egress_data_->script = {twilio_error(400, 21211)};
  auto view = start(phone_a);
  advance(5s);
  EXPECT_EQ(egress_data_->requests.size(), 1u);
  auto message = stored(view.attempts[0].id);
  EXPECT_EQ(message.delivery.current(), ds::failed);
  EXPECT_EQ(message.error_code(), 21211u);
  EXPECT_EQ(get(view.verification.id).verification.status, verification_status::pending)
    << "a failed attempt leaves the verification open for a resend";
}

TEST_F(verification_flow, outside_the_window_whatsapp_goes_as_template) {
  settings_->whatsapp_template = true;
  auto view = start(phone_a); // no inbound message ever opened the 24-hour window
  ASSERT_EQ(egress_data_->requests.size(), 1u);
  EXPECT_TRUE(egress_data_->requests[0].as_template);
  EXPECT_TRUE(stored(view.attempts[0].id).as_template);
  auto sms = start(phone_b, channel_preference::sms);
  EXPECT_FALSE(egress_data_->requests[1].as_template) << "SMS never uses the template";
  (void) sms;
}

TEST_F(verification_flow, async_63016_triggers_a_template_attempt) {
  settings_->whatsapp_template = true;
  inbound_message hello{phone_a, true, inbound_action::none,
                        std::chrono::time_point_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now())};
  ASSERT_TRUE(ask<caf::ok_atom>(shard_, atom::inbound::value, hello));
  auto view = start(phone_a);
  EXPECT_FALSE(egress_data_->requests[0].as_template) << "inside the window: free-form";
  callback(stored(view.attempts[0].id), ds::failed, 63016);
  ASSERT_EQ(egress_data_->requests.size(), 2u);
  EXPECT_TRUE(egress_data_->requests[1].as_template);
  EXPECT_EQ(egress_data_->requests[1].via, channel::whatsapp);
  EXPECT_EQ(egress_data_->requests[1].code, egress_data_->requests[0].code);
}

TEST_F(verification_flow, sync_63016_resends_the_same_message_as_template) {
  settings_->whatsapp_template = true;
  inbound_message hello{phone_a, true, inbound_action::none,
                        std::chrono::time_point_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now())};
  ASSERT_TRUE(ask<caf::ok_atom>(shard_, atom::inbound::value, hello));
  egress_data_->script = {twilio_error(400, 63016)};
  auto view = start(phone_a);
  ASSERT_EQ(egress_data_->requests.size(), 2u);
  EXPECT_FALSE(egress_data_->requests[0].as_template);
  EXPECT_TRUE(egress_data_->requests[1].as_template);
  EXPECT_EQ(egress_data_->requests[1].id, egress_data_->requests[0].id);
  EXPECT_TRUE(stored(view.attempts[0].id).as_template);
}

TEST_F(verification_flow, wrong_checks_lock_the_verification) {
  auto view = start(phone_a);
  auto code = egress_data_->requests[0].code;
  auto wrong = code == "000000" ? std::string{"111111"} : std::string{"000000"};
  for (std::uint32_t i = 1; i < settings_->max_checks; ++i) {
    auto result = ask<check_result>(shard_, atom::check::value, view.verification.id, wrong);
    ASSERT_TRUE(result);
    EXPECT_FALSE(result->valid);
    EXPECT_EQ(result->attempts_left, settings_->max_checks - i);
  }
  auto last = ask<check_result>(shard_, atom::check::value, view.verification.id, wrong);
  ASSERT_FALSE(last);
  EXPECT_EQ(last.error(), ec::max_attempts_reached);
  EXPECT_EQ(storage_data_->verifications.at(view.verification.id).status,
            verification_status::max_attempts_reached);
  // Even the right code no longer works: the lock is what every check reads from now on.
  auto right = ask<check_result>(shard_, atom::check::value, view.verification.id, code);
  ASSERT_FALSE(right);
  EXPECT_EQ(right.error(), ec::max_attempts_reached) << to_string(right.error());
}

TEST_F(verification_flow, codes_expire_with_their_lifetime) {
  auto view = start(phone_a);
  auto code = egress_data_->requests[0].code;
  advance(settings_->code_ttl);
  const auto& record = storage_data_->verifications.at(view.verification.id);
  EXPECT_EQ(record.status, verification_status::expired);
  EXPECT_EQ(record.digest, code_digest{}) << "the code hash dies with its lifetime";
  auto result = ask<check_result>(shard_, atom::check::value, view.verification.id, code);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), ec::not_found) << to_string(result.error());
  EXPECT_EQ(get(view.verification.id).verification.status, verification_status::expired);
}

TEST_F(verification_flow, opted_out_phones_get_nothing) {
  inbound_message stop{phone_a, false, inbound_action::opt_out,
                       std::chrono::time_point_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now())};
  ASSERT_TRUE(ask<caf::ok_atom>(shard_, atom::inbound::value, stop));
  EXPECT_TRUE(storage_data_->phones.at(phone_a).opted_out);
  auto refused = try_start(shard_, phone_a);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), ec::opted_out);
  EXPECT_TRUE(egress_data_->requests.empty());
  stop.action = inbound_action::opt_in;
  ASSERT_TRUE(ask<caf::ok_atom>(shard_, atom::inbound::value, stop));
  start(phone_a);
  EXPECT_EQ(egress_data_->requests.size(), 1u);
}

TEST_F(verification_flow, prefix_limit_spans_phones_and_opens_the_breaker) {
  // A shard whose guard admits three sends per prefix in ten minutes, then refuses that prefix
  // for an hour.
  auto window = std::chrono::milliseconds{10 * 60'000};
  auto cooldown = std::chrono::milliseconds{60 * 60'000};
  auto strict = spawn_send_guard(*system_, send_guard_limits{{3, window}, cooldown, {100, window}});
  auto shard = spawn_shard(strict);
  auto start_on = [&](const char* phone) { return try_start(shard, phone); };
  EXPECT_TRUE(start_on("+12015550123"));
  EXPECT_TRUE(start_on("+12015550124"));
  EXPECT_TRUE(start_on("+12015550125"));
  auto refused = start_on("+12015550126");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), ec::rate_limited);
  EXPECT_EQ(refused.error().context().get_as<std::int64_t>(0), cooldown.count());
  EXPECT_TRUE(start_on(phone_b)) << "another prefix is unaffected";
  EXPECT_EQ(egress_data_->requests.size(), 4u);
  advance(window * 2);
  EXPECT_FALSE(start_on("+12015550126")) << "the breaker outlasts the window";
  advance(cooldown);
  EXPECT_TRUE(start_on("+12015550126")) << "the breaker closed after its cooldown";
  EXPECT_EQ(egress_data_->requests.size(), 5u);
  caf::anon_send_exit(shard, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(strict, caf::exit_reason::user_shutdown);
  run();
}

TEST_F(verification_flow, country_limit_spans_prefixes) {
  auto window = std::chrono::milliseconds{10 * 60'000};
  auto strict = spawn_send_guard(*system_,
                                 send_guard_limits{{100, window}, window, {2, window}});
  auto shard = spawn_shard(strict);
  auto start_on = [&](const char* phone) { return try_start(shard, phone); };
  EXPECT_TRUE(start_on("+12015550123"));
  EXPECT_TRUE(start_on("+13125550123"));
  auto refused = start_on("+14155550123");
  ASSERT_FALSE(refused) << "a third US prefix is over the country limit";
  EXPECT_EQ(refused.error(), ec::rate_limited);
  EXPECT_TRUE(start_on("+447400123456")) << "another country is unaffected";
  EXPECT_EQ(egress_data_->requests.size(), 3u);
  caf::anon_send_exit(shard, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(strict, caf::exit_reason::user_shutdown);
  run();
}

TEST_F(verification_flow, send_limit_per_phone) {
  for (std::uint32_t i = 0; i < settings_->send_limit.count; ++i)
    start(phone_a);
  auto refused = try_start(shard_, phone_a);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), ec::rate_limited);
  auto retry_after = refused.error().context().get_as<std::int64_t>(0);
  EXPECT_GT(retry_after, 0);
  EXPECT_LE(retry_after, settings_->send_limit.window.count());
  start(phone_b); // other phones are not affected
  EXPECT_EQ(egress_data_->requests.size(), settings_->send_limit.count + 1);
}

TEST_F(verification_flow, long_poll_wakes_on_change_and_times_out) {
  auto view = start(phone_a);
  auto id = view.verification.id;
  auto seen = get(id).latest_delivery();
  (*client_)->send(shard_, atom::get::value, verification_query{id, 30s, seen});
  run();
  bool answered = false;
  try_receive([&](verification_view&) { answered = true; });
  EXPECT_FALSE(answered) << "nothing changed yet";
  callback(stored(view.attempts[0].id), ds::delivered);
  // callback() consumed the ack; the long poll's answer is next in the mailbox.
  std::optional<verification_view> woke;
  try_receive([&](verification_view& v) { woke = v; });
  ASSERT_TRUE(woke);
  EXPECT_EQ(woke->latest_delivery(), ds::delivered);

  (*client_)->send(shard_, atom::get::value, verification_query{id, 5s, ds::delivered});
  run();
  advance(5s - 1ms);
  EXPECT_FALSE(try_receive([](verification_view&) {})) << "answered before the wait ended";
  advance(1ms);
  std::optional<verification_view> timed_out;
  try_receive([&](verification_view& v) { timed_out = v; });
  ASSERT_TRUE(timed_out);
  EXPECT_EQ(timed_out->latest_delivery(), ds::delivered);
}

// At a shutdown the long polls still waiting get the state as it is: their requesters end at
// once instead of holding the actor system's stop until their waits run out.
TEST_F(verification_flow, a_shutdown_answers_the_long_polls_waiting) {
  auto view = start(phone_a);
  auto id = view.verification.id;
  auto seen = get(id).latest_delivery();
  (*client_)->send(shard_, atom::get::value, verification_query{id, 30s, seen});
  run();
  ASSERT_FALSE(try_receive([](verification_view&) {})) << "nothing changed yet";
  caf::anon_send_exit(shard_, caf::exit_reason::user_shutdown);
  run();
  std::optional<verification_view> answered;
  try_receive([&](verification_view& v) { answered = v; });
  ASSERT_TRUE(answered) << "answered without any virtual time passing";
  EXPECT_EQ(answered->latest_delivery(), seen);
}

TEST_F(verification_flow, idle_phone_actors_passivate_and_come_back) {
  auto view = start(phone_a);
  auto code = egress_data_->requests[0].code;
  ASSERT_TRUE(ask<check_result>(shard_, atom::check::value, view.verification.id, code));
  run();
  // A late read receipt for a finished verification is still recorded (from storage).
  callback(stored(view.attempts[0].id), ds::read);
  EXPECT_EQ(stored(view.attempts[0].id).delivery.current(), ds::read);
  // Reading a finished verification comes from storage.
  EXPECT_EQ(get(view.verification.id).verification.status, verification_status::approved);
  // The phone comes back with its record (the send limit counts the earlier send).
  auto again = start(phone_a);
  EXPECT_EQ(storage_data_->phones.at(phone_a).recent_sends.size(), 2u);
  EXPECT_EQ(again.verification.phone, phone_a);
}

TEST_F(verification_flow, unknown_ids_are_not_found) {
  auto unknown = verification_id::generate();
  auto view = ask<verification_view>(shard_, atom::get::value,
                                     verification_query{unknown, 0ms, {}});
  ASSERT_FALSE(view);
  EXPECT_EQ(view.error(), ec::not_found);
  auto checked = ask<check_result>(shard_, atom::check::value, unknown, std::string{"123456"});
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error(), ec::not_found) << to_string(checked.error());
}

} // namespace
} // namespace verity::test
