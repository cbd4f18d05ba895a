// What Verity derives from a number it has parsed (tests/engine/phone_test.cpp covers parsing):
// WhatsApp addresses, the masked form logs show, names and the prefixes send limits count by.
#include "engine/phone.hpp"

#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace verity {
namespace {

// --- whatsapp addresses -------------------------------------------------------------------------

TEST(phone_whatsapp, add_prefix) {
  EXPECT_EQ(to_whatsapp_address("+12015550123"), "whatsapp:+12015550123");
  EXPECT_EQ(to_whatsapp_address("+15550100100"), "whatsapp:+15550100100");
}

TEST(phone_whatsapp, add_prefix_is_idempotent_and_lower_case) {
  EXPECT_EQ(to_whatsapp_address("whatsapp:+12015550123"), "whatsapp:+12015550123");
  EXPECT_EQ(to_whatsapp_address("WhatsApp:+12015550123"), "whatsapp:+12015550123");
}

TEST(phone_whatsapp, strip_prefix_in_any_case) {
  EXPECT_EQ(strip_whatsapp_prefix("whatsapp:+12015550123"), "+12015550123");
  EXPECT_EQ(strip_whatsapp_prefix("WHATSAPP:+12015550123"), "+12015550123");
  EXPECT_EQ(strip_whatsapp_prefix("WhatsApp:+12015550123"), "+12015550123");
  EXPECT_EQ(strip_whatsapp_prefix("whatsapp:"), "");
}

TEST(phone_whatsapp, strip_leaves_other_input_alone) {
  for (const auto* input : {"+12015550123", "", "whatsapp", "whatsapp+12015550123",
                            " whatsapp:+12015550123", "sms:+12015550123", "whatsapp\x1a+1",
                            "whatsap:+1"}) {
    EXPECT_EQ(strip_whatsapp_prefix(input), input);
  }
}

TEST(phone_whatsapp, strip_returns_a_view_into_the_input) {
  const std::string address = "whatsapp:+12015550123";
  const std::string_view stripped = strip_whatsapp_prefix(address);
  EXPECT_EQ(stripped.data(), address.data() + 9);
}

TEST(phone_whatsapp, is_whatsapp_address) {
  EXPECT_TRUE(is_whatsapp_address("whatsapp:+12015550123"));
  EXPECT_TRUE(is_whatsapp_address("WhatsApp:+12015550123"));
  EXPECT_TRUE(is_whatsapp_address("whatsapp:"));
  EXPECT_FALSE(is_whatsapp_address("+12015550123"));
  EXPECT_FALSE(is_whatsapp_address(""));
  EXPECT_FALSE(is_whatsapp_address("whatsapp"));
  EXPECT_FALSE(is_whatsapp_address("whatsapp\x1a+12015550123"));
  EXPECT_FALSE(is_whatsapp_address(" whatsapp:+12015550123"));
}

TEST(phone_whatsapp, round_trip) {
  for (const auto* e164 : {"+12015550123", "+442079460958", "+4915123456789"}) {
    const std::string address = to_whatsapp_address(e164);
    EXPECT_TRUE(is_whatsapp_address(address));
    EXPECT_EQ(strip_whatsapp_prefix(address), e164);
    const auto number = parse_phone(address, "US");
    ASSERT_TRUE(number) << address;
    EXPECT_EQ(number->e164, e164);
  }
}

// --- masking ------------------------------------------------------------------------------------

TEST(phone_mask, keeps_country_code_and_last_four_digits) {
  EXPECT_EQ(mask_phone("+15550100100"), "+1******0100");
  EXPECT_EQ(mask_phone("+12015550123"), "+1******0123");
}

TEST(phone_mask, country_codes_of_every_length) {
  EXPECT_EQ(mask_phone("+79123456789"), "+7******6789");      // one digit
  EXPECT_EQ(mask_phone("+442079460958"), "+44******0958");    // two digits
  EXPECT_EQ(mask_phone("+919876543210"), "+91******3210");
  EXPECT_EQ(mask_phone("+353851234567"), "+353*****4567");    // three digits
  EXPECT_EQ(mask_phone("+8801812345678"), "+880******5678");
  EXPECT_EQ(mask_phone("+80012345678"), "+800****5678");      // non-geographic
}

TEST(phone_mask, short_national_numbers_hide_at_least_two_digits) {
  EXPECT_EQ(mask_phone("+6831234"), "+683**34");  // Niue: four-digit numbers
  EXPECT_EQ(mask_phone("+44123"), "+44**3");
  EXPECT_EQ(mask_phone("+4412"), "*****");        // nothing left to show
  EXPECT_EQ(mask_phone("+1"), "**");
}

TEST(phone_mask, whatsapp_address) {
  EXPECT_EQ(mask_phone("whatsapp:+15550100100"), "whatsapp:+1******0100");
  EXPECT_EQ(mask_phone("WhatsApp:+442079460958"), "whatsapp:+44******0958");
  EXPECT_EQ(mask_phone("whatsapp:garbage"), "whatsapp:*****ge");
}

TEST(phone_mask, non_e164_keeps_at_most_two_last_characters) {
  EXPECT_EQ(mask_phone("garbage"), "*****ge");
  EXPECT_EQ(mask_phone("+1 201 555 0123"), "*************23");
  EXPECT_EQ(mask_phone("(201) 555-0123"), "************23");
  EXPECT_EQ(mask_phone("15550100100"), "*********00");  // no '+'
}

TEST(phone_mask, e164_shaped_but_not_e164) {
  EXPECT_EQ(mask_phone("+999123456"), "********56");        // unassigned country code
  EXPECT_EQ(mask_phone("+0123456789"), "*********89");      // leading zero
  EXPECT_EQ(mask_phone("+1234567890123456"), "***************56");  // 16 digits
}

TEST(phone_mask, very_short_input_is_all_stars) {
  EXPECT_EQ(mask_phone(""), "");
  EXPECT_EQ(mask_phone("a"), "*");
  EXPECT_EQ(mask_phone("abc"), "***");
  EXPECT_EQ(mask_phone("abcde"), "*****");
  EXPECT_EQ(mask_phone("+12"), "***");
}

TEST(phone_mask, never_shows_bytes_that_are_not_visible_ascii) {
  EXPECT_EQ(mask_phone("number\xC3\xA9"), "********");  // would split a UTF-8 sequence
  EXPECT_EQ(mask_phone("number\n\n"), "********");
  EXPECT_EQ(mask_phone("number 1"), "********");
}

TEST(phone_mask, long_input_is_capped) {
  EXPECT_EQ(mask_phone(std::string(1000, 'x') + "42"), std::string(62, '*') + "42");
}

TEST(phone_mask, masked_valid_numbers_show_at_most_four_national_digits) {
  for (const auto* input : {"+1 201-555-0123", "+44 20 7946 0958", "+49 1512 3456789",
                            "+91 98765 43210", "+353 85 123 4567", "+800 1234 5678"}) {
    const auto number = parse_phone(input, "US");
    ASSERT_TRUE(number) << input;
    const std::string masked = mask_phone(number->e164);
    EXPECT_EQ(masked.size(), number->e164.size());
    EXPECT_EQ(masked.substr(masked.size() - 4), number->e164.substr(masked.size() - 4));
    EXPECT_EQ(masked[masked.size() - 5], '*') << masked;
  }
}

// --- names --------------------------------------------------------------------------------------

TEST(phone_line_type, names) {
  EXPECT_EQ(to_string(line_type::mobile), "mobile");
  EXPECT_EQ(to_string(line_type::fixed_line), "fixed_line");
  EXPECT_EQ(to_string(line_type::fixed_line_or_mobile), "fixed_line_or_mobile");
  EXPECT_EQ(to_string(line_type::voip), "voip");
  EXPECT_EQ(to_string(line_type::toll_free), "toll_free");
  EXPECT_EQ(to_string(line_type::other), "other");
  EXPECT_EQ(to_string(line_type::unknown), "unknown");
}

TEST(phone_prefix, country_code_and_three_digits) {
  EXPECT_EQ(number_prefix("+12015550123"), "+1201");
  EXPECT_EQ(number_prefix("+447400123456"), "+44740");
  EXPECT_EQ(number_prefix("+353851234567"), "+353851");
  EXPECT_EQ(number_prefix("+1201"), "+1201");
  EXPECT_EQ(number_prefix("garbage"), "garbage");
}

TEST(phone_prefix, country_calling_code) {
  EXPECT_EQ(country_prefix("+12015550123"), "+1");
  EXPECT_EQ(country_prefix("+447400123456"), "+44");
  EXPECT_EQ(country_prefix("+353851234567"), "+353");
  EXPECT_EQ(country_prefix("+0123"), "+0123");
  EXPECT_EQ(country_prefix("garbage"), "garbage");
}

} // namespace
} // namespace verity
