#include "net/api/json_views.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace verity::net {
namespace {

using namespace std::chrono_literals;

const timestamp start{1'767'225'600'000ms}; // 2026-01-01T00:00:00.000Z

message_record sample_message() {
  message_record message;
  message.id = message_id::generate();
  message.verification = verification_id::generate();
  message.to = "+12015550123";
  message.via = channel::sms;
  message.delivery.merge({delivery_status::created, start, 0});
  return message;
}

TEST(json_views_test, times_are_rfc3339_utc_with_milliseconds) {
  EXPECT_EQ(format_time(start), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(format_time(start + 86'399'999ms), "2026-01-01T23:59:59.999Z");
  EXPECT_EQ(format_time(timestamp{951'782'400'123ms}), "2000-02-29T00:00:00.123Z");
  EXPECT_EQ(format_time(timestamp{0ms}), "1970-01-01T00:00:00.000Z");
}

TEST(json_views_test, created_reads_sending) {
  EXPECT_EQ(api_delivery_state(delivery_status::created), "sending");
  EXPECT_EQ(api_delivery_state(delivery_status::sending), "sending");
  EXPECT_EQ(api_delivery_state(delivery_status::timed_out), "timed_out");
}

TEST(json_views_test, attempt_holds_timestamps_history_and_errors) {
  auto message = sample_message();
  message.twilio_sid = "SM0123456789abcdef0123456789abcdef";
  message.delivery.merge({delivery_status::sent, start + 900ms, 0});
  message.delivery.merge({delivery_status::queued, start + 400ms, 0});
  message.delivery.merge({delivery_status::undelivered, start + 3'000ms, 30003});
  message.delivery.merge({delivery_status::undelivered, start + 5'000ms, 30003}); // duplicate
  auto attempt = attempt_json(message);
  EXPECT_EQ(attempt["message_id"], message.id.to_string());
  EXPECT_EQ(attempt["channel"], "sms");
  EXPECT_EQ(attempt["twilio_sid"], message.twilio_sid);
  EXPECT_EQ(attempt["status"], "undelivered");
  EXPECT_EQ(attempt["error_code"], 30003);
  EXPECT_EQ(attempt["error_description"], "Unreachable destination handset");
  EXPECT_EQ(attempt["retryable"], true) << "the handset may be back on later";
  EXPECT_EQ(attempt["timestamps"]["queued"], "2026-01-01T00:00:00.400Z");
  EXPECT_EQ(attempt["timestamps"]["failed"], "2026-01-01T00:00:03.000Z");
  EXPECT_TRUE(attempt["timestamps"]["delivered"].is_null());
  EXPECT_TRUE(attempt["delivery_ms"].is_null());
  auto history = attempt["history"];
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history[0], (nlohmann::json{{"status", "created"}, {"at", "2026-01-01T00:00:00.000Z"}}));
  EXPECT_EQ(history[1]["status"], "queued");
  EXPECT_EQ(history[2]["status"], "sent");
  EXPECT_EQ(history[3]["status"], "undelivered");
}

TEST(json_views_test, attempt_says_why_a_message_was_never_sent) {
  auto message = sample_message();
  EXPECT_TRUE(attempt_json(message)["not_sent_reason"].is_null());
  message.delivery.merge({delivery_status::timed_out, start + 10'000ms, 0});
  message.not_sent = not_sent_reason::sender_rate;
  auto attempt = attempt_json(message);
  EXPECT_EQ(attempt["status"], "timed_out");
  EXPECT_EQ(attempt["not_sent_reason"], "sender_rate");
  EXPECT_TRUE(attempt["twilio_sid"].is_null());
  EXPECT_EQ(message_json(message)["not_sent_reason"], "sender_rate");
}

TEST(json_views_test, delivery_ms_runs_from_create_to_delivery) {
  auto message = sample_message();
  message.delivery.merge({delivery_status::read, start + 2'345ms, 0});
  auto attempt = attempt_json(message);
  EXPECT_EQ(attempt["delivery_ms"], 2345);
  EXPECT_EQ(attempt["timestamps"]["delivered"], attempt["timestamps"]["read"]);
  EXPECT_TRUE(attempt["error_code"].is_null());
  EXPECT_TRUE(attempt["error_description"].is_null());
  EXPECT_TRUE(attempt["retryable"].is_null());
}

TEST(json_views_test, verification_shows_the_latest_attempt) {
  verification_view view;
  view.verification.id = verification_id::generate();
  view.verification.phone = "+12015550123";
  view.verification.status = verification_status::approved;
  view.verification.created_at = start;
  view.verification.expires_at = start + 15min;
  auto first = sample_message();
  first.via = channel::whatsapp;
  first.delivery.merge({delivery_status::failed, start + 1s, 63003});
  auto second = sample_message();
  second.create_error = 21611;
  view.attempts = {first, second};
  view.verification.why_channel = channel_reason::auto_phone_whatsapp_failures;
  auto body = nlohmann::json::parse(verification_body(view));
  EXPECT_EQ(body["to"], "+1******0123");
  EXPECT_EQ(body["status"], "approved");
  EXPECT_EQ(body["channel"], "sms");
  EXPECT_EQ(body["channel_reason"], "auto_phone_whatsapp_failures");
  EXPECT_EQ(body["expires_at"], "2026-01-01T00:15:00.000Z");
  EXPECT_EQ(body["delivery"]["state"], "sending");
  EXPECT_EQ(body["delivery"]["channel"], "sms");
  EXPECT_EQ(body["delivery"]["error_code"], 21611);
  EXPECT_EQ(body["attempts"].size(), 2u);
  EXPECT_EQ(body["attempts"][0]["status"], "failed");
  EXPECT_EQ(body["poll_url"], "/v1/verifications/" + view.verification.id.to_string());
  EXPECT_EQ(body.dump().find("2015550123"), std::string::npos) << "the number must be masked";
}

TEST(json_views_test, verification_without_attempts_reads_sending) {
  verification_view view;
  view.verification.phone = "+12015550123";
  view.verification.preference = channel_preference::sms;
  auto body = nlohmann::json::parse(verification_body(view));
  EXPECT_EQ(body["delivery"]["state"], "sending");
  EXPECT_EQ(body["channel"], "sms");
  EXPECT_TRUE(body["attempts"].empty());
}

TEST(json_views_test, message_receipt_adds_owner_and_masked_recipient) {
  auto message = sample_message();
  auto receipt = message_json(message);
  EXPECT_EQ(receipt["to"], "+1******0123");
  EXPECT_EQ(receipt["verification_id"], message.verification.to_string());
}

TEST(json_views_test, check_result_shows_attempts_left_only_when_wrong) {
  EXPECT_EQ(check_json({verification_status::approved, true, 0}),
            (nlohmann::json{{"status", "approved"}, {"valid", true}}));
  EXPECT_EQ(check_json({verification_status::pending, false, 2}),
            (nlohmann::json{{"status", "pending"}, {"valid", false}, {"attempts_left", 2}}));
}

} // namespace
} // namespace verity::net
