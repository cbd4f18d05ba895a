// The per-phone send limit as plain state: how long a phone must wait before its next send,
// which sends still count, and that every attempt counts against it.

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

} // namespace
} // namespace verity
