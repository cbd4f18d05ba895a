// A phone actor's state as plain data, no actor system: the per-phone send limit (how long a
// phone must wait before its next send, which sends still count, that every attempt counts
// against it) and the follow-up of a failed attempt.

#include <chrono>
#include <memory>

#include <gtest/gtest.h>

#include "actors/phone_state.hpp"

namespace verity {
namespace {

using namespace std::chrono_literals;

class phone_state_test : public ::testing::Test {
protected:
  phone_state_test() {
    settings_->send_limit = rate_limit{3, 10min};
    settings_->secret = {1, 2, 3, 4};
    settings_->hasher = std::make_shared<code_hasher>(std::string_view{"test secret for codes"});
    state_.settings = settings_;
    state_.phone = "+12015550123";
    state_.record.phone = state_.phone;
  }

  /// Records a send `ago` before `now_`.
  void sent(std::chrono::milliseconds ago) {
    state_.record.recent_sends.push_back(now_ - ago);
  }

  /// A new live verification with the fallback policy `policy`.
  live_verification& start(fallback_policy policy) {
    verification_request request;
    request.phone = state_.phone;
    request.fallback = policy;
    return state_.live.emplace_back(state_.make_verification(request, now_, {}));
  }

  /// Marks `message` failed with Twilio's `code`.
  void fail(message_record& message, std::uint32_t code) {
    message.delivery.merge({delivery_status::failed, now_, code});
  }

  std::shared_ptr<verification_settings> settings_ = std::make_shared<verification_settings>();
  phone_state state_;
  timestamp now_ = std::chrono::time_point_cast<std::chrono::milliseconds>(
    std::chrono::sys_days{std::chrono::year{2024} / 5 / 1} + 12h);
};

TEST_F(phone_state_test, a_phone_under_the_limit_may_send_now) {
  EXPECT_EQ(state_.send_limit_wait(now_), 0ms);
  sent(1min);
  sent(2min);
  EXPECT_EQ(state_.send_limit_wait(now_), 0ms);
}

TEST_F(phone_state_test, a_phone_at_the_limit_waits_until_its_oldest_send_leaves_the_window) {
  sent(1min);
  sent(7min); // the oldest, though not the first recorded
  sent(3min);
  EXPECT_EQ(state_.send_limit_wait(now_), 3min);
  EXPECT_EQ(state_.send_limit_wait(now_ + 3min - 1ms), 1ms);
  EXPECT_EQ(state_.send_limit_wait(now_ + 3min), 0ms);
}

TEST_F(phone_state_test, sends_older_than_the_window_are_forgotten) {
  sent(10min); // leaves the window exactly now
  sent(11min);
  sent(1min);
  sent(2min);
  EXPECT_EQ(state_.send_limit_wait(now_), 0ms);
  EXPECT_EQ(state_.record.recent_sends.size(), 2u) << "stale sends were not forgotten";
}

TEST_F(phone_state_test, every_attempt_counts_against_the_limit) {
  auto verification = state_.make_verification(verification_request{state_.phone, {}, {}, "en"},
                                                now_, {});
  for (std::uint32_t i = 0; i < settings_->send_limit.count; ++i) {
    EXPECT_EQ(state_.send_limit_wait(now_), 0ms) << "attempt " << i;
    state_.add_attempt(verification, i % 2 == 0 ? channel::whatsapp : channel::sms, now_);
  }
  EXPECT_EQ(state_.send_limit_wait(now_), settings_->send_limit.window);
  EXPECT_EQ(state_.send_limit_wait(now_ + 4min), 6min);
}

TEST_F(phone_state_test, the_followup_of_a_failed_whatsapp_attempt_follows_the_policy) {
  auto& automatic = start(fallback_policy::automatic);
  fail(state_.add_attempt(automatic, channel::whatsapp, now_), 30008);
  EXPECT_EQ(state_.followup_for(automatic, automatic.attempts.back()),
            failure_followup::sms_fallback);
  auto& manual = start(fallback_policy::manual);
  fail(state_.add_attempt(manual, channel::whatsapp, now_), 30008);
  EXPECT_EQ(state_.followup_for(manual, manual.attempts.back()), failure_followup::nothing);
}

TEST_F(phone_state_test, a_timed_out_attempt_falls_back_once) {
  auto& verification = start(fallback_policy::automatic);
  auto& attempt = state_.add_attempt(verification, channel::whatsapp, now_);
  attempt.delivery.merge({delivery_status::timed_out, now_, 0});
  EXPECT_EQ(state_.followup_for(verification, verification.attempts.back()),
            failure_followup::sms_fallback);
  verification.fell_back = true;
  EXPECT_EQ(state_.followup_for(verification, verification.attempts.back()),
            failure_followup::nothing);
}

TEST_F(phone_state_test, only_the_latest_attempt_has_a_followup) {
  auto& verification = start(fallback_policy::automatic);
  state_.add_attempt(verification, channel::whatsapp, now_);
  state_.add_attempt(verification, channel::sms, now_);
  auto& first = verification.attempts.front();
  fail(first, 30008);
  EXPECT_EQ(state_.followup_for(verification, first), failure_followup::nothing);
}

TEST_F(phone_state_test, retries_stop_at_the_attempts_allowed_per_channel) {
  settings_->max_attempts_per_channel = 2;
  auto& verification = start(fallback_policy::manual);
  fail(state_.add_attempt(verification, channel::sms, now_), 30001);
  EXPECT_EQ(state_.followup_for(verification, verification.attempts.back()),
            failure_followup::same_channel);
  fail(state_.add_attempt(verification, channel::sms, now_), 30001);
  EXPECT_EQ(state_.followup_for(verification, verification.attempts.back()),
            failure_followup::nothing);
}

TEST_F(phone_state_test, the_template_follows_a_window_error_only_when_one_is_set) {
  auto& verification = start(fallback_policy::manual);
  fail(state_.add_attempt(verification, channel::whatsapp, now_), 63016);
  EXPECT_EQ(state_.followup_for(verification, verification.attempts.back()),
            failure_followup::nothing);
  settings_->whatsapp_template = true;
  EXPECT_EQ(state_.followup_for(verification, verification.attempts.back()),
            failure_followup::as_template);
}

} // namespace
} // namespace verity
