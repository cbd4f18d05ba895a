#include "engine/message_text.hpp"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

namespace verity {
namespace {

using namespace std::chrono_literals;

/// GSM 03.38's basic character set as far as ASCII goes (one septet each): what keeps an SMS
/// in 160-character segments.
bool is_gsm7_basic(char c) {
  constexpr std::string_view others = " !\"#$%&'()*+,-./:;<=>?@_";
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
         || others.find(c) != std::string_view::npos;
}

TEST(message_text_test, names_the_service_the_code_and_its_lifetime) {
  EXPECT_EQ(code_message_text(channel::whatsapp, "Verity", "123456", 15min),
            "Your Verity verification code is 123456. It expires in 15 minutes. Do not share it.");
  EXPECT_EQ(code_message_text(channel::whatsapp, "Acme Bank", "0042", 10min),
            "Your Acme Bank verification code is 0042. It expires in 10 minutes. Do not share "
            "it.");
}

TEST(message_text_test, sms_adds_how_to_opt_out_and_is_otherwise_worded_the_same) {
  auto whatsapp = code_message_text(channel::whatsapp, "Verity", "123456", 15min);
  auto sms = code_message_text(channel::sms, "Verity", "123456", 15min);
  EXPECT_EQ(sms, whatsapp + " Reply STOP to opt out.");
}

TEST(message_text_test, the_lifetime_is_rounded_down_to_whole_minutes) {
  auto text = [](std::chrono::milliseconds ttl) {
    return code_message_text(channel::whatsapp, "V", "123456", ttl);
  };
  EXPECT_EQ(text(119'999ms), "Your V verification code is 123456. It expires in 1 minute. Do "
                             "not share it.");
  EXPECT_EQ(text(120'000ms), "Your V verification code is 123456. It expires in 2 minutes. Do "
                             "not share it.");
  EXPECT_EQ(text(90min + 59s), "Your V verification code is 123456. It expires in 90 minutes. "
                               "Do not share it.");
}

TEST(message_text_test, a_lifetime_under_a_minute_reads_as_one_minute) {
  for (auto ttl : {30s, 0s})
    EXPECT_EQ(code_message_text(channel::sms, "V", "123456", ttl),
              "Your V verification code is 123456. It expires in 1 minute. Do not share it. "
              "Reply STOP to opt out.");
}

TEST(message_text_test, the_longest_sms_fits_one_gsm7_segment) {
  const std::string brand(30, 'W'); // VERITY_BRAND's longest
  const std::string code(10, '9');  // the longest code
  for (auto ttl : {std::chrono::milliseconds{365 * 24h}, std::chrono::milliseconds{1min}}) {
    auto sms = code_message_text(channel::sms, brand, code, ttl);
    EXPECT_LE(sms.size(), 160U) << sms;
    EXPECT_TRUE(std::all_of(sms.begin(), sms.end(), is_gsm7_basic)) << sms;
  }
}

} // namespace
} // namespace verity
