#include "actors/phone_state.hpp"

#include <memory>

#include <gtest/gtest.h>

namespace verity {
namespace {

using namespace std::chrono_literals;

/// A phone actor's state on its own (no actor system): the rules it applies to plain data.
class phone_state_test : public ::testing::Test {
protected:
  phone_state_test() {
    auto settings = std::make_shared<verification_settings>();
    settings->send_limit = {3, 10min};
    settings->secret = {1, 2, 3, 4};
    settings->hasher = std::make_shared<code_hasher>(std::string_view{"phone state test secret"});
    settings_ = settings.get();
    state_.settings = std::move(settings);
    state_.phone = "+12015550123";
    state_.record.phone = state_.phone;
  }

  /// A pending verification with the configured fallback policy (or `policy`).
  live_verification& start(std::optional<fallback_policy> policy = std::nullopt) {
    verification_request request;
    request.phone = state_.phone;
    request.fallback = policy;
    return state_.live.emplace_back(state_.make_verification(request, now_, {}));
  }

  /// Marks `message` failed with Twilio's `code`.
  void fail(message_record& message, std::uint32_t code) {
    message.delivery.merge({delivery_status::failed, now_, code});
  }

  timestamp now_ = timestamp{std::chrono::hours{480'000}};
  verification_settings* settings_ = nullptr;
  phone_state state_;
};

TEST_F(phone_state_test, sends_under_the_limit_need_no_wait) {
  EXPECT_EQ(state_.send_limit_wait(now_), 0ms);
  state_.record.recent_sends = {now_ - 5min, now_ - 1min};
  EXPECT_EQ(state_.send_limit_wait(now_), 0ms);
  EXPECT_EQ(state_.record.recent_sends.size(), 2U);
}

TEST_F(phone_state_test, at_the_limit_the_wait_lasts_until_the_oldest_send_leaves_the_window) {
  state_.record.recent_sends = {now_ - 2min, now_ - 9min, now_ - 30s};
  EXPECT_EQ(state_.send_limit_wait(now_), 1min);
  EXPECT_EQ(state_.send_limit_wait(now_ + 59'999ms), 1ms);
  EXPECT_EQ(state_.record.recent_sends.size(), 3U);
}

TEST_F(phone_state_test, sends_older_than_the_window_are_forgotten) {
  state_.record.recent_sends = {now_ - 10min, now_ - 11min, now_ - 1min, now_ - 9min};
  EXPECT_EQ(state_.send_limit_wait(now_), 0ms);
  EXPECT_EQ(state_.record.recent_sends, (std::vector<timestamp>{now_ - 1min, now_ - 9min}));
}

TEST_F(phone_state_test, the_wait_follows_the_configured_limit) {
  settings_->send_limit = {1, 1h};
  state_.record.recent_sends = {now_ - 20min};
  EXPECT_EQ(state_.send_limit_wait(now_), 40min);
  EXPECT_EQ(state_.send_limit_wait(now_ + 1h), 0ms);
  EXPECT_TRUE(state_.record.recent_sends.empty());
}

TEST_F(phone_state_test, every_attempt_counts_against_the_send_limit) {
  auto& verification = start();
  for (int i = 0; i < 3; ++i)
    state_.add_attempt(verification, channel::sms, now_);
  EXPECT_EQ(state_.send_limit_wait(now_), 10min);
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
