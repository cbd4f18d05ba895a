#include "engine/message_text.hpp"

#include <gtest/gtest.h>

namespace verity {
namespace {

using namespace std::chrono_literals;

TEST(message_text_test, the_code_and_its_lifetime_in_minutes) {
  EXPECT_EQ(code_message_text("123456", 15min),
            "Your verification code is 123456. It expires in 15 minutes. Do not share it.");
  EXPECT_EQ(code_message_text("0042", 10min),
            "Your verification code is 0042. It expires in 10 minutes. Do not share it.");
  EXPECT_EQ(code_message_text("9876543210", 1h),
            "Your verification code is 9876543210. It expires in 60 minutes. Do not share it.");
}

TEST(message_text_test, the_lifetime_is_rounded_down_to_whole_minutes) {
  EXPECT_EQ(code_message_text("123456", 119'999ms),
            "Your verification code is 123456. It expires in 1 minutes. Do not share it.");
  EXPECT_EQ(code_message_text("123456", 120'000ms),
            "Your verification code is 123456. It expires in 2 minutes. Do not share it.");
  EXPECT_EQ(code_message_text("123456", 90min + 59s),
            "Your verification code is 123456. It expires in 90 minutes. Do not share it.");
}

TEST(message_text_test, a_lifetime_under_a_minute_reads_as_one_minute) {
  EXPECT_EQ(code_message_text("123456", 30s),
            "Your verification code is 123456. It expires in 1 minutes. Do not share it.");
  EXPECT_EQ(code_message_text("123456", 0ms),
            "Your verification code is 123456. It expires in 1 minutes. Do not share it.");
}

} // namespace
} // namespace verity
