#include "engine/phone.hpp"

#include <cstddef>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

// Numbers below come from reserved or fictional ranges where libphonenumber 8.12 accepts them
// (NANP 555-01xx is *not* valid in its metadata, see phone_parse_errors.fictional_nanp_555_01xx).

namespace verity {
namespace {

/// Parses `input` and expects success; returns the number (empty on failure, with a test failure).
phone_number parsed(std::string_view input, std::string_view region = "US") {
  const auto result = parse_phone(input, region);
  EXPECT_TRUE(result.has_value()) << "input: " << input << ", error: "
                                  << (result ? std::string() : result.error());
  return result.value_or(phone_number{});
}

/// Parses `input` and expects failure; returns the reason ("" on success, with a test failure).
std::string refused(std::string_view input, std::string_view region = "US") {
  const auto result = parse_phone(input, region);
  EXPECT_FALSE(result.has_value()) << "input: " << input << " parsed as " << result->e164;
  return result ? std::string() : result.error();
}

// --- parsing ------------------------------------------------------------------------------------

TEST(phone_parse, international_format) {
  const auto number = parsed("+1 201-555-0123");
  EXPECT_EQ(number.e164, "+12015550123");
  EXPECT_EQ(number.region, "US");
  EXPECT_EQ(number.type, line_type::fixed_line_or_mobile);
}

TEST(phone_parse, national_format_uses_default_region) {
  EXPECT_EQ(parsed("(201) 555-0123", "US").e164, "+12015550123");
  EXPECT_EQ(parsed("020 7946 0958", "GB").e164, "+442079460958");
  EXPECT_EQ(parsed("01512 3456789", "DE").e164, "+4915123456789");
  EXPECT_EQ(parsed("98765 43210", "IN").e164, "+919876543210");
}

TEST(phone_parse, default_region_is_case_insensitive) {
  EXPECT_EQ(parsed("98765 43210", "in").e164, "+919876543210");
  EXPECT_EQ(parsed("020 7946 0958", "Gb").e164, "+442079460958");
}

TEST(phone_parse, international_format_ignores_default_region) {
  const auto uk = parsed("+44 20 7946 0958", "US");
  EXPECT_EQ(uk.e164, "+442079460958");
  EXPECT_EQ(uk.region, "GB");
  const auto us = parsed("+1 201 555 0123", "DE");
  EXPECT_EQ(us.e164, "+12015550123");
  EXPECT_EQ(us.region, "US");
}

TEST(phone_parse, punctuation_is_ignored) {
  for (const auto* input : {"2015550123", "201 555 0123", "201-555-0123", "201.555.0123",
                            "(201) 555-0123", "(201)555.0123", "1-201-555-0123", "1 (201) 555 0123",
                            "+1 (201) 555-0123", "+1.201.555.0123", "  +1 201 555 0123  "}) {
    EXPECT_EQ(parsed(input).e164, "+12015550123") << input;
  }
}

TEST(phone_parse, international_dialling_prefix) {
  // "00" where the region dials abroad with it, "011" from the NANP.
  EXPECT_EQ(parsed("00 44 20 7946 0958", "DE").e164, "+442079460958");
  EXPECT_EQ(parsed("0044 20 7946 0958", "GB").e164, "+442079460958");
  EXPECT_EQ(parsed("00 1 201 555 0123", "GB").e164, "+12015550123");
  EXPECT_EQ(parsed("011 44 20 7946 0958", "US").e164, "+442079460958");
}

TEST(phone_parse, whatsapp_prefix_in_any_case) {
  EXPECT_EQ(parsed("whatsapp:+12015550123").e164, "+12015550123");
  EXPECT_EQ(parsed("WhatsApp:+44 7400 123456").e164, "+447400123456");
  EXPECT_EQ(parsed("WHATSAPP:(201) 555-0123", "US").e164, "+12015550123");
}

TEST(phone_parse, vanity_letters_become_digits) {
  // libphonenumber reads keypad letters when a number has at least three of them.
  const auto number = parsed("1-800-FLOWERS");
  EXPECT_EQ(number.e164, "+18003569377");
  EXPECT_EQ(number.type, line_type::toll_free);
}

TEST(phone_parse, non_ascii_digits) {
  EXPECT_EQ(parsed("\xEF\xBC\x92\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x95\xEF\xBC\x95\xEF\xBC\x95"
                   "\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93")  // full-width "2015550123"
                .e164,
            "+12015550123");
}

TEST(phone_parse, e164_output_parses_to_itself) {
  for (const auto* input : {"+1 201-555-0123", "+44 20 7946 0958", "+49 1512 3456789",
                            "+91 98765 43210", "+44 7400 123456", "+353 85 123 4567"}) {
    const auto first = parsed(input);
    EXPECT_EQ(parsed(first.e164, "DE").e164, first.e164);
  }
}

// libphonenumber reads Mexico's old mobile token "1" once per parse: "+52 11 33..." would give
// +52133..., which parses again to +5233...; the line must get the second, stable form.
TEST(phone_parse, mexican_mobile_token_settles_on_one_form) {
  EXPECT_EQ(parsed("+52 11 33 1210 0413").e164, "+523312100413");
  EXPECT_EQ(parsed("+52 1 33 1210 0413").e164, "+523312100413");
  EXPECT_EQ(parsed("+523312100413").e164, "+523312100413");
  EXPECT_EQ(parsed("011 52 11 33 1210 0413", "US").e164, "+523312100413");
}

TEST(phone_e164_form, is_what_parse_phone_gives_a_valid_number) {
  for (const auto* input : {"+1 201-555-0123", "+44 20 7946 0958", "+353 85 123 4567"})
    EXPECT_TRUE(is_e164_form(parsed(input).e164)) << input;
  EXPECT_TRUE(is_e164_form("+123456789012345"));
  for (const auto* text : {"", "+", "12015550123", "+0123456", "+1234567890123456",
                           "+1 201 555 0123", "+1201555012a", "whatsapp:+12015550123"})
    EXPECT_FALSE(is_e164_form(text)) << text;
}

TEST(phone_parse, input_of_exactly_64_characters_is_accepted) {
  const std::string input = std::string(52, ' ') + "+12015550123";
  ASSERT_EQ(input.size(), 64U);
  EXPECT_EQ(parsed(input).e164, "+12015550123");
}

// --- line type and region -----------------------------------------------------------------------

TEST(phone_line_type, mobile) {
  EXPECT_EQ(parsed("+49 1512 3456789").type, line_type::mobile);
  EXPECT_EQ(parsed("+91 98765 43210").type, line_type::mobile);
  EXPECT_EQ(parsed("+44 7400 123456").type, line_type::mobile);
}

TEST(phone_line_type, fixed_line) {
  EXPECT_EQ(parsed("+44 20 7946 0958").type, line_type::fixed_line);
  EXPECT_EQ(parsed("+49 30 123456").type, line_type::fixed_line);
}

TEST(phone_line_type, fixed_line_or_mobile_where_the_plan_cannot_tell) {
  EXPECT_EQ(parsed("+1 201 555 0123").type, line_type::fixed_line_or_mobile);
}

TEST(phone_line_type, toll_free_voip_and_other) {
  EXPECT_EQ(parsed("+1 800 555 0123").type, line_type::toll_free);
  EXPECT_EQ(parsed("+44 56 1234 5678").type, line_type::voip);
  EXPECT_EQ(parsed("+1 900 555 0123").type, line_type::other);  // premium rate
}

TEST(phone_region, region_of_the_number_not_of_the_default) {
  EXPECT_EQ(parsed("+1 226 555 0123").region, "CA");  // same +1, other region
  EXPECT_EQ(parsed("+1 242 359 1234").region, "BS");
  EXPECT_EQ(parsed("+49 1512 3456789", "US").region, "DE");
  EXPECT_EQ(parsed("+91 98765 43210").region, "IN");
}

TEST(phone_region, non_geographic_number_has_no_region) {
  const auto number = parsed("+800 1234 5678");  // international freephone
  EXPECT_EQ(number.e164, "+80012345678");
  EXPECT_EQ(number.region, "");
  EXPECT_EQ(number.type, line_type::toll_free);
}

// --- refused input ------------------------------------------------------------------------------

TEST(phone_parse_errors, empty_input) {
  EXPECT_EQ(refused(""), "phone number is empty");
  EXPECT_EQ(refused("whatsapp:"), "phone number is empty");
}

TEST(phone_parse_errors, too_long_input_is_refused_before_parsing) {
  const std::string input = std::string(53, ' ') + "+12015550123";
  ASSERT_EQ(input.size(), 65U);
  EXPECT_EQ(refused(input), "phone number is longer than 64 characters");
  EXPECT_EQ(refused(std::string(10000, '1')), "phone number is longer than 64 characters");
}

TEST(phone_parse_errors, not_a_number) {
  EXPECT_EQ(refused("abc"), "phone number is not a number");
  EXPECT_EQ(refused("call me maybe"), "phone number is not a number");
  EXPECT_EQ(refused("+"), "phone number is not a number");
  EXPECT_EQ(refused("1"), "phone number is not a number");
  EXPECT_EQ(refused("   "), "phone number is not a number");
}

TEST(phone_parse_errors, invalid_country_code) {
  EXPECT_EQ(refused("+999 123456"), "phone number has an invalid country code");
}

TEST(phone_parse_errors, too_short) {
  EXPECT_EQ(refused("+44 1"), "phone number is too short");
  EXPECT_EQ(refused("011 44"), "phone number is too short after its international prefix");
  EXPECT_EQ(refused("+1 201 555 012"), "phone number is too short for country code +1");
  EXPECT_EQ(refused("12"), "phone number is too short for country code +1");
  EXPECT_EQ(refused("12", "gb"), "phone number is too short for country code +44");
}

TEST(phone_parse_errors, too_long) {
  EXPECT_EQ(refused("+1 201 555 0123 4567 8901 2345"), "phone number is too long");
  EXPECT_EQ(refused("+44 20 7946 09581234"), "phone number is too long for country code +44");
}

TEST(phone_parse_errors, more_digits_than_e164_allows) {
  // libphonenumber's German plan calls these valid; E.164 (and Twilio) stop at 15 digits.
  EXPECT_EQ(refused("+49 30 723363366363"),
            "phone number has more than 15 digits, the most E.164 allows");
  EXPECT_EQ(refused("030 q23DN3DN6E6E", "DE"),
            "phone number has more than 15 digits, the most E.164 allows");
  EXPECT_TRUE(parse_phone("+49 30 72336336636")); // 15 digits
}

TEST(phone_parse_errors, letters_after_a_number_make_it_invalid) {
  // Three letters or more are read as keypad digits, making this number too long.
  EXPECT_EQ(refused("+1 201 555 0123 abc"), "phone number is too long for country code +1");
}

TEST(phone_parse_errors, wrong_length_or_missing_area_code) {
  EXPECT_EQ(refused("+7 912 345 67 890"),
            "phone number has the wrong number of digits for country code +7");
  EXPECT_EQ(refused("555 0123", "US"), "phone number lacks its area code");
}

TEST(phone_parse_errors, fictional_nanp_555_01xx) {
  // The classic fictional range parses but libphonenumber's metadata says it is not valid.
  EXPECT_EQ(refused("+1 555 010 0100"),
            "phone number is not a valid number for its region (country code +1)");
  EXPECT_EQ(refused("whatsapp:+15550100199"),
            "phone number is not a valid number for its region (country code +1)");
  // Right length, but no such range in the German plan.
  EXPECT_EQ(refused("+49 1512 345"),
            "phone number is not a valid number for its region (country code +49)");
}

TEST(phone_parse_errors, extension) {
  EXPECT_EQ(refused("+1 201 555 0123 ext. 5"),
            "phone number has an extension, which cannot receive messages");
  EXPECT_EQ(refused("+1 201 555 0123;ext=5"),
            "phone number has an extension, which cannot receive messages");
}

TEST(phone_parse_errors, invalid_default_region) {
  for (const auto* region : {"XX", "ZZ", "UK", "EU"}) {
    EXPECT_EQ(refused("201 555 0123", region),
              "default region " + std::string(region) + " is not a known region");
  }
  for (const auto* region : {"", "U", "USA", "001", "1!", "u\xC3\xA9"}) {
    EXPECT_EQ(refused("201 555 0123", region),
              "default region must be a two-letter ISO 3166-1 code")
        << region;
  }
}

TEST(phone_parse_errors, invalid_default_region_is_refused_even_for_international_input) {
  EXPECT_EQ(refused("+12015550123", "XX"), "default region XX is not a known region");
}

// --- robustness ---------------------------------------------------------------------------------

TEST(phone_robustness, arbitrary_bytes_never_throw) {
  std::mt19937 random(20240601);  // fixed seed: reproducible
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> length(0, 70);
  for (int i = 0; i < 3000; ++i) {
    std::string input(length(random), '\0');
    for (auto& c : input) {
      c = static_cast<char>(byte(random));
    }
    if (i % 3 == 0 && input.size() > 1) {
      input[0] = '+';  // reach deeper into the parser
    }
    tl::expected<phone_number, std::string> result;
    EXPECT_NO_THROW(result = parse_phone(input, "US"));
    if (result) {
      EXPECT_EQ(result->e164.front(), '+');
      EXPECT_EQ(parsed(result->e164).e164, result->e164);
    } else {
      EXPECT_FALSE(result.error().empty());
    }
    std::string masked;
    EXPECT_NO_THROW(masked = mask_phone(input));
    EXPECT_LE(masked.size(), std::max<std::size_t>(input.size(), 64));
  }
}

TEST(phone_robustness, library_writes_nothing_to_stdout_or_stderr) {
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  for (const auto* input : {"", "abc", "+999 1", "011 4", "+44 1", "+1 555 010 0100", "\xFF\xFE"}) {
    static_cast<void>(parse_phone(input, "US"));
  }
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "");
}

TEST(phone_robustness, concurrent_parsing_agrees) {
  const std::vector<std::string> inputs = {"+1 201-555-0123", "020 7946 0958", "+49 1512 3456789",
                                           "+91 98765 43210", "abc", "+44 1"};
  std::vector<std::string> expected;
  for (const auto& input : inputs) {
    const auto result = parse_phone(input, "GB");
    expected.push_back(result ? result->e164 : result.error());
  }
  std::vector<std::vector<std::string>> seen(4);
  std::vector<std::thread> threads;
  for (auto& out : seen) {
    threads.emplace_back([&inputs, &out] {
      for (int round = 0; round < 50; ++round) {
        for (const auto& input : inputs) {
          const auto result = parse_phone(input, "GB");
          out.push_back(result ? result->e164 : result.error());
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  for (const auto& out : seen) {
    ASSERT_EQ(out.size(), inputs.size() * 50);
    for (std::size_t i = 0; i < out.size(); ++i) {
      EXPECT_EQ(out[i], expected[i % inputs.size()]);
    }
  }
}

} // namespace
} // namespace verity
