// Verity's message types through CAF's serialization: every field survives a round trip, a
// message holding one travels through a system that registered the type ID block, and a code
// never shows in CAF's text rendering.
#include "actors/inspect.hpp"

#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/deep_to_string.hpp>
#include <caf/message.hpp>
#include <gtest/gtest.h>

#include "actors/actors.hpp"
#include "actors/system_setup.hpp"

namespace verity {
namespace {

using namespace std::chrono_literals;

timestamp at(int seconds) {
  return timestamp{std::chrono::milliseconds{1'700'000'000'000} + std::chrono::seconds{seconds}};
}

/// `value` written by CAF's binary serializer and read back into a default-constructed T.
template <class T>
T round_trip(T value) {
  std::vector<char> buffer;
  caf::binary_serializer sink{nullptr, buffer};
  EXPECT_FALSE(sink(value));
  T copy;
  caf::binary_deserializer source{nullptr, buffer};
  EXPECT_FALSE(source(copy));
  return copy;
}

/// Expects `value` to come back from a round trip as it went in, as CAF renders it.
template <class T>
void expect_round_trip(T value) {
  auto copy = round_trip(value);
  EXPECT_EQ(caf::deep_to_string(copy), caf::deep_to_string(value));
}

message_record sample_message() {
  message_record record;
  record.id = message_id::generate(9);
  record.verification = verification_id::generate(9);
  record.to = "+14155552671";
  record.via = channel::sms;
  record.twilio_sid = "SM0123";
  record.delivery.merge({delivery_status::created, at(0), 0});
  record.delivery.merge({delivery_status::undelivered, at(3), 30003});
  record.as_template = true;
  record.tries = 2;
  record.create_error = 20429;
  return record;
}

verification_view sample_view() {
  verification_view view;
  auto& record = view.verification;
  record.id = verification_id::generate(9);
  record.phone = "+14155552671";
  record.preference = channel_preference::sms;
  record.fallback = fallback_policy::none;
  record.status = verification_status::max_attempts_reached;
  record.created_at = at(0);
  record.expires_at = at(600);
  record.wrong_checks = 5;
  record.salt[0] = 1;
  record.digest[31] = 2;
  record.locale = "pt-BR";
  record.why_channel = channel_reason::auto_country_whatsapp_rate;
  view.attempts.push_back(sample_message());
  record.messages.push_back(view.attempts[0].id);
  return view;
}

TEST(inspect, records_and_views_round_trip_every_field) {
  auto view = sample_view();
  auto copy = round_trip(view);
  EXPECT_EQ(copy.verification.id, view.verification.id);
  EXPECT_EQ(copy.verification.salt, view.verification.salt);
  EXPECT_EQ(copy.verification.digest, view.verification.digest);
  EXPECT_EQ(copy.verification.why_channel, view.verification.why_channel);
  ASSERT_EQ(copy.attempts.size(), 1u);
  EXPECT_EQ(copy.attempts[0].delivery, view.attempts[0].delivery);
  EXPECT_EQ(caf::deep_to_string(copy), caf::deep_to_string(view));

  phone_record phone{"+14155552671", true, at(60),
                     {{at(0), whatsapp_outcome::failed}, {at(1), whatsapp_outcome::delivered}},
                     {at(1), at(2)}, verification_id::generate(3)};
  auto phone_copy = round_trip(phone);
  EXPECT_EQ(phone_copy.whatsapp_window_until, phone.whatsapp_window_until);
  EXPECT_EQ(phone_copy.whatsapp_history, phone.whatsapp_history);
  EXPECT_EQ(phone_copy.recent_sends, phone.recent_sends);
  EXPECT_EQ(phone_copy.latest_verification, phone.latest_verification);
  phone.whatsapp_window_until.reset();
  EXPECT_FALSE(round_trip(phone).whatsapp_window_until) << "an absent optional stays absent";

  write_batch batch;
  batch.verifications.push_back(view.verification);
  batch.messages.push_back({view.attempts[0], view.attempts[0]});
  batch.messages.push_back({view.attempts[0], std::nullopt});
  batch.phones.push_back(phone);
  batch.answers.push_back({"0:k1", "fingerprint", at(0), view.verification.id});
  expect_round_trip(batch);
}

TEST(inspect, requests_and_answers_round_trip) {
  expect_round_trip(phone_check_result{verification_id::generate(5),
                                       {verification_status::approved, true, 4}});
  expect_round_trip(verification_request{"+14155552671", channel_preference::whatsapp,
                                         fallback_policy::automatic, "en", "0:k1", "abc"});
  expect_round_trip(verification_query{verification_id::generate(1), 2500ms, delivery_status::sent});
  expect_round_trip(verification_query{verification_id::generate(1), 0ms, std::nullopt});
  expect_round_trip(check_result{verification_status::approved, true, 3});
  expect_round_trip(status_callback{message_id::generate(1), "+14155552671", "SM1",
                                    delivery_status::read, 0, at(5)});
  expect_round_trip(inbound_message{"+14155552671", true, inbound_action::opt_out, at(6)});
  expect_round_trip(create_result{429, 20429, "Too Many Requests", "", delivery_status::queued,
                                  1500ms});
  expect_round_trip(idempotency_query{"0:k1"});
  stats_report report;
  report.window_days = 7;
  report.channels[0].total = 10;
  report.channels[1].avg_delivery_ms = 1.5;
  report.status_breakdown[delivery_status::delivered] = 8;
  report.error_codes[30003] = 2;
  expect_round_trip(report);
  expect_round_trip(phone_stats_report{report, {sample_message()}});
  expect_round_trip(stats_query{7, at(9)});
  expect_round_trip(phone_stats_query{"+14155552671", 3, at(9)});
}

TEST(inspect, a_code_travels_but_never_shows_as_text) {
  outbound_message out{message_id::generate(1), channel::sms, "+14155552671",
                       "Your code is 482913", false, "482913"};
  auto copy = round_trip(out);
  EXPECT_EQ(copy.code, "482913");
  EXPECT_EQ(copy.body, out.body);
  auto text = caf::deep_to_string(out);
  EXPECT_EQ(text.find("482913"), std::string::npos) << text;

  phone_code_check check{"+14155552671", "482913"};
  auto check_copy = round_trip(check);
  EXPECT_EQ(check_copy.phone, check.phone);
  EXPECT_EQ(check_copy.code, "482913");
  auto check_text = caf::deep_to_string(check);
  EXPECT_EQ(check_text.find("482913"), std::string::npos) << check_text;
}

TEST(inspect, messages_travel_through_a_system_with_the_type_id_block) {
  caf::actor_system_config cfg;
  actors::add_message_types(cfg);
  caf::actor_system system{cfg};
  auto view = sample_view();
  auto message = caf::make_message(atom::start::value, view);
  std::vector<char> buffer;
  caf::binary_serializer sink{system, buffer};
  ASSERT_FALSE(sink(message));
  caf::message received;
  caf::binary_deserializer source{system, buffer};
  ASSERT_FALSE(source(received));
  ASSERT_TRUE((received.match_elements<atom::start, verification_view>()));
  EXPECT_EQ(caf::deep_to_string(received.get_as<verification_view>(1)), caf::deep_to_string(view));
}

} // namespace
} // namespace verity
