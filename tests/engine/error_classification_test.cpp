#include "engine/error_classification.hpp"

#include <gtest/gtest.h>

namespace verity {
namespace {

using er = error_reaction;

TEST(error_classification, transient_errors_are_retried) {
  EXPECT_EQ(classify_create_error(429, 20429), er::retry);
  EXPECT_EQ(classify_create_error(429, 0), er::retry);
  EXPECT_EQ(classify_create_error(500, 0), er::retry);
  EXPECT_EQ(classify_create_error(503, 0), er::retry);
  EXPECT_EQ(classify_create_error(0, 0), er::retry); // no answer: network
  EXPECT_EQ(classify_create_error(400, 21611), er::retry);
  EXPECT_EQ(classify_create_error(400, 63018), er::retry);
  EXPECT_EQ(classify_callback_error(30001), er::retry);
}

TEST(error_classification, invalid_recipients_are_permanent) {
  for (auto code : {21211u, 21614u, 21612u, 21205u})
    EXPECT_EQ(classify_create_error(400, code), er::fail) << code;
  EXPECT_EQ(classify_create_error(404, 0), er::fail);
  EXPECT_EQ(classify_create_error(401, 20003), er::fail);
}

TEST(error_classification, whatsapp_specific_reactions) {
  EXPECT_EQ(classify_create_error(400, 21610), er::opt_out);
  EXPECT_EQ(classify_create_error(400, 63016), er::resend_as_template);
  EXPECT_EQ(classify_callback_error(63016), er::resend_as_template);
  EXPECT_EQ(classify_callback_error(63003), er::fall_back);
}

TEST(error_classification, carrier_failures_go_to_the_fallback_policy) {
  for (auto code : {30003u, 30004u, 30005u, 30006u, 30007u, 30008u, 30036u, 0u, 12345u})
    EXPECT_EQ(classify_callback_error(code), er::delivery_failed) << code;
}

TEST(error_classification, covers_twilios_messaging_delivery_and_whatsapp_codes) {
  EXPECT_EQ(describe_twilio_error(21408), "Sending to this region is not enabled for the account");
  EXPECT_EQ(describe_twilio_error(30018),
            "Destination carrier requires sender ID pre-registration");
  EXPECT_EQ(describe_twilio_error(30038), "OTP message body filtered");
  EXPECT_EQ(describe_twilio_error(63024), "Invalid message recipient");
  EXPECT_GE(known_twilio_error_codes().size(), 60U);
}

TEST(error_classification, every_known_code_says_whether_it_is_retryable) {
  EXPECT_EQ(is_retryable_twilio_error(30003), true) << "unreachable handset: may be back later";
  EXPECT_EQ(is_retryable_twilio_error(30006), false) << "a landline stays one";
  EXPECT_EQ(is_retryable_twilio_error(99999), std::nullopt);
  for (auto code : known_twilio_error_codes()) {
    ASSERT_TRUE(is_retryable_twilio_error(code).has_value()) << code;
    EXPECT_FALSE(describe_twilio_error(code).empty()) << code;
  }
}

TEST(error_classification, retryability_agrees_with_the_engines_reaction) {
  for (auto code : known_twilio_error_codes()) {
    auto retryable = *is_retryable_twilio_error(code);
    auto reaction = classify_callback_error(code);
    EXPECT_EQ(reaction, classify_create_error(400, code)) << code << ": one reaction per code";
    if (reaction == er::retry) {
      EXPECT_TRUE(retryable) << code;
    }
    if (reaction == er::fail || reaction == er::opt_out) {
      EXPECT_FALSE(retryable) << code;
    }
  }
}

TEST(error_classification, describes_known_codes) {
  EXPECT_EQ(describe_twilio_error(30003), "Unreachable destination handset");
  EXPECT_EQ(describe_twilio_error(99999), "");
  EXPECT_EQ(to_string(er::resend_as_template), "resend_as_template");
}

} // namespace
} // namespace verity
