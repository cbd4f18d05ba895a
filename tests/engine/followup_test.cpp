#include "engine/followup.hpp"

#include <gtest/gtest.h>

namespace verity {
namespace {

// Twilio error codes, by what they call for (engine/error_classification.cpp).
constexpr std::uint32_t queue_overflow = 30001;     // retry
constexpr std::uint32_t carrier_unknown = 30008;    // delivery failed: the fallback policy decides
constexpr std::uint32_t outside_window = 63016;     // resend as the template
constexpr std::uint32_t not_on_whatsapp = 63003;    // fall back
constexpr std::uint32_t invalid_number = 21211;     // fail

failed_attempt whatsapp_failed(std::uint32_t code) {
  return {channel::whatsapp, false, code, false, true, 1};
}

failed_attempt whatsapp_timed_out() {
  return {channel::whatsapp, true, 0, false, true, 1};
}

followup_rules rules(fallback_policy policy) {
  return {policy, false, 3, true};
}

TEST(followup_test, automatic_policy_falls_back_to_sms_after_a_whatsapp_failure) {
  auto automatic = rules(fallback_policy::automatic);
  EXPECT_EQ(decide_followup(whatsapp_failed(carrier_unknown), automatic),
            failure_followup::sms_fallback);
  EXPECT_EQ(decide_followup(whatsapp_failed(not_on_whatsapp), automatic),
            failure_followup::sms_fallback);
  EXPECT_EQ(decide_followup(whatsapp_failed(invalid_number), automatic),
            failure_followup::sms_fallback);
  EXPECT_EQ(decide_followup(whatsapp_failed(0), automatic), failure_followup::sms_fallback);
}

TEST(followup_test, automatic_policy_falls_back_to_sms_after_a_whatsapp_timeout) {
  EXPECT_EQ(decide_followup(whatsapp_timed_out(), rules(fallback_policy::automatic)),
            failure_followup::sms_fallback);
}

TEST(followup_test, manual_and_none_policies_wait_after_a_failure_or_a_timeout) {
  for (auto policy : {fallback_policy::manual, fallback_policy::none}) {
    EXPECT_EQ(decide_followup(whatsapp_failed(carrier_unknown), rules(policy)),
              failure_followup::nothing);
    EXPECT_EQ(decide_followup(whatsapp_failed(not_on_whatsapp), rules(policy)),
              failure_followup::nothing);
    EXPECT_EQ(decide_followup(whatsapp_timed_out(), rules(policy)), failure_followup::nothing);
  }
}

TEST(followup_test, the_automatic_fallback_sends_its_sms_only_once) {
  auto fell_back = rules(fallback_policy::automatic);
  fell_back.fell_back = true;
  EXPECT_EQ(decide_followup(whatsapp_failed(carrier_unknown), fell_back),
            failure_followup::nothing);
  EXPECT_EQ(decide_followup(whatsapp_timed_out(), fell_back), failure_followup::nothing);
}

TEST(followup_test, a_failed_sms_never_falls_back) {
  auto sms = whatsapp_failed(carrier_unknown);
  sms.via = channel::sms;
  EXPECT_EQ(decide_followup(sms, rules(fallback_policy::automatic)), failure_followup::nothing);
  sms.timed_out = true;
  sms.error_code = 0;
  EXPECT_EQ(decide_followup(sms, rules(fallback_policy::automatic)), failure_followup::nothing);
}

TEST(followup_test, only_the_latest_attempt_has_a_followup) {
  // The SMS of the fallback is out: a late failure (or a late timeout) of the WhatsApp attempt
  // before it sends nothing, so a verification never gets a third send from it.
  for (auto policy : {fallback_policy::automatic, fallback_policy::manual}) {
    auto older = whatsapp_failed(carrier_unknown);
    older.latest = false;
    EXPECT_EQ(decide_followup(older, rules(policy)), failure_followup::nothing);
    older.error_code = queue_overflow;
    EXPECT_EQ(decide_followup(older, rules(policy)), failure_followup::nothing);
    older.error_code = outside_window;
    EXPECT_EQ(decide_followup(older, rules(policy)), failure_followup::nothing);
    auto timed_out = whatsapp_timed_out();
    timed_out.latest = false;
    EXPECT_EQ(decide_followup(timed_out, rules(policy)), failure_followup::nothing);
  }
}

TEST(followup_test, a_transient_error_is_retried_over_the_same_channel_while_attempts_remain) {
  for (auto policy : {fallback_policy::automatic, fallback_policy::manual, fallback_policy::none})
    for (auto via : {channel::whatsapp, channel::sms}) {
      failed_attempt attempt{via, false, queue_overflow, false, true, 2};
      EXPECT_EQ(decide_followup(attempt, rules(policy)), failure_followup::same_channel);
    }
}

TEST(followup_test, a_transient_error_without_attempts_left_goes_to_the_fallback_policy) {
  failed_attempt whatsapp{channel::whatsapp, false, queue_overflow, false, true, 3};
  EXPECT_EQ(decide_followup(whatsapp, rules(fallback_policy::automatic)),
            failure_followup::sms_fallback);
  EXPECT_EQ(decide_followup(whatsapp, rules(fallback_policy::manual)), failure_followup::nothing);
  failed_attempt sms{channel::sms, false, queue_overflow, false, true, 3};
  EXPECT_EQ(decide_followup(sms, rules(fallback_policy::automatic)), failure_followup::nothing);
}

TEST(followup_test, the_attempt_limit_counts_attempts_over_the_failed_channel) {
  auto limited = rules(fallback_policy::none);
  limited.max_attempts_per_channel = 5;
  failed_attempt attempt{channel::sms, false, queue_overflow, false, true, 4};
  EXPECT_EQ(decide_followup(attempt, limited), failure_followup::same_channel);
  attempt.attempts_over_channel = 5;
  EXPECT_EQ(decide_followup(attempt, limited), failure_followup::nothing);
}

TEST(followup_test, a_timeout_is_never_retried_whatever_code_came_before) {
  auto timed_out = whatsapp_timed_out();
  timed_out.error_code = queue_overflow;
  EXPECT_EQ(decide_followup(timed_out, rules(fallback_policy::manual)),
            failure_followup::nothing);
  timed_out.error_code = outside_window;
  EXPECT_EQ(decide_followup(timed_out, rules(fallback_policy::manual)),
            failure_followup::nothing);
  EXPECT_EQ(decide_followup(timed_out, rules(fallback_policy::automatic)),
            failure_followup::sms_fallback);
}

TEST(followup_test, outside_the_whatsapp_window_the_template_is_sent_once) {
  for (auto policy : {fallback_policy::automatic, fallback_policy::manual, fallback_policy::none})
    EXPECT_EQ(decide_followup(whatsapp_failed(outside_window), rules(policy)),
              failure_followup::as_template);
  auto again = whatsapp_failed(outside_window);
  again.as_template = true;
  EXPECT_EQ(decide_followup(again, rules(fallback_policy::automatic)),
            failure_followup::sms_fallback);
  EXPECT_EQ(decide_followup(again, rules(fallback_policy::manual)), failure_followup::nothing);
}

TEST(followup_test, without_a_template_or_attempts_left_the_window_error_goes_to_the_policy) {
  auto no_template = rules(fallback_policy::automatic);
  no_template.whatsapp_template = false;
  EXPECT_EQ(decide_followup(whatsapp_failed(outside_window), no_template),
            failure_followup::sms_fallback);
  no_template.fallback = fallback_policy::manual;
  EXPECT_EQ(decide_followup(whatsapp_failed(outside_window), no_template),
            failure_followup::nothing);
  failed_attempt last{channel::whatsapp, false, outside_window, false, true, 3};
  EXPECT_EQ(decide_followup(last, rules(fallback_policy::none)), failure_followup::nothing);
}

} // namespace
} // namespace verity
