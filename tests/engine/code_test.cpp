#include "engine/code.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace verity {
namespace {

/// Chi-square critical value for 9 degrees of freedom that a uniform source exceeds with
/// probability about 1.4e-10, so the uniformity tests are not flaky.
constexpr double chi_square_bound_9_df = 65.0;

/// Chi-square statistic of digit counts against the uniform distribution.
double chi_square(const std::array<std::size_t, 10>& counts) {
  std::size_t total = 0;
  for (const auto count : counts) {
    total += count;
  }
  const double expected = static_cast<double>(total) / 10.0;
  double statistic = 0.0;
  for (const auto count : counts) {
    const double difference = static_cast<double>(count) - expected;
    statistic += difference * difference / expected;
  }
  return statistic;
}

/// Lower-case hex of a digest, for readable comparisons.
std::string to_hex(const code_digest& digest) {
  constexpr std::string_view hex_digits = "0123456789abcdef";
  std::string hex;
  for (const auto byte : digest) {
    hex.push_back(hex_digits[byte >> 4]);
    hex.push_back(hex_digits[byte & 0x0f]);
  }
  return hex;
}

/// A fixed salt 00 01 02 ... 0f.
code_salt counting_salt() {
  code_salt salt{};
  for (std::size_t i = 0; i < salt.size(); ++i) {
    salt[i] = static_cast<std::uint8_t>(i);
  }
  return salt;
}

/// True if `text` holds only ASCII digits.
bool all_digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// --- generate_code ------------------------------------------------------------------------------

TEST(generate_code, every_allowed_length_gives_that_many_digits) {
  for (int length = min_code_length; length <= max_code_length; ++length) {
    const auto code = generate_code(length);
    EXPECT_EQ(code.size(), static_cast<std::size_t>(length));
    EXPECT_TRUE(all_digits(code)) << code;
  }
}

TEST(generate_code, lengths_outside_4_to_10_are_refused) {
  EXPECT_THROW((void)generate_code(min_code_length - 1), std::invalid_argument);
  EXPECT_THROW((void)generate_code(max_code_length + 1), std::invalid_argument);
  EXPECT_THROW((void)generate_code(0), std::invalid_argument);
  EXPECT_THROW((void)generate_code(-6), std::invalid_argument);
}

TEST(generate_code, digits_are_uniform) {
  std::array<std::size_t, 10> counts{};
  for (int i = 0; i < 10'000; ++i) {
    for (const char digit : generate_code(10)) {
      ++counts[static_cast<std::size_t>(digit - '0')];
    }
  }
  EXPECT_LT(chi_square(counts), chi_square_bound_9_df);
}

TEST(generate_code, first_digit_is_uniform_including_zero) {
  std::array<std::size_t, 10> counts{};
  for (int i = 0; i < 20'000; ++i) {
    ++counts[static_cast<std::size_t>(generate_code(6).front() - '0')];
  }
  EXPECT_LT(chi_square(counts), chi_square_bound_9_df);
}

TEST(fill_random, fills_the_whole_buffer_with_fresh_bytes) {
  std::array<std::uint8_t, 32> first{};
  std::array<std::uint8_t, 32> second{};
  fill_random(first);
  fill_random(second);
  EXPECT_NE(first, second);
  EXPECT_NE(first, (std::array<std::uint8_t, 32>{}));
}

// --- code_hasher --------------------------------------------------------------------------------

TEST(code_hasher, digest_is_hmac_sha256_of_salt_then_code) {
  // Python: hmac.new(b"server-secret", bytes(range(16)) + b"123456", hashlib.sha256).hexdigest()
  const code_hasher hasher{std::string_view{"server-secret"}};
  EXPECT_EQ(to_hex(hasher.digest("123456", counting_salt())),
            "41191ce6a5b12f19480db4a3519ff50f40bcc4e45952b1e6beafc276ddb374b8");
}

TEST(code_hasher, byte_and_string_secrets_are_the_same_key) {
  const std::array<std::uint8_t, 3> bytes{'k', 'e', 'y'};
  const code_hasher from_bytes{std::span<const std::uint8_t>(bytes)};
  const code_hasher from_string{std::string_view{"key"}};
  EXPECT_EQ(from_bytes.digest("1234", counting_salt()),
            from_string.digest("1234", counting_salt()));
}

TEST(code_hasher, digest_differs_per_salt) {
  const code_hasher hasher{std::string_view{"server-secret"}};
  const auto salt_a = code_hasher::make_salt();
  const auto salt_b = code_hasher::make_salt();
  ASSERT_NE(salt_a, salt_b);
  EXPECT_NE(hasher.digest("123456", salt_a), hasher.digest("123456", salt_b));
  EXPECT_EQ(hasher.digest("123456", salt_a), hasher.digest("123456", salt_a));
}

TEST(code_hasher, digest_differs_per_secret) {
  const code_hasher hasher_a{std::string_view{"secret-a"}};
  const code_hasher hasher_b{std::string_view{"secret-b"}};
  const auto salt = code_hasher::make_salt();
  EXPECT_NE(hasher_a.digest("123456", salt), hasher_b.digest("123456", salt));
}

TEST(code_hasher, empty_secret_still_hashes) {
  const code_hasher hasher{std::string_view{}};
  const auto salt = counting_salt();
  EXPECT_TRUE(hasher.matches("123456", salt, hasher.digest("123456", salt)));
}

TEST(code_hasher, matches_the_right_code_only) {
  const code_hasher hasher{std::string_view{"server-secret"}};
  const auto salt = code_hasher::make_salt();
  const auto code = generate_code(6);
  const auto digest = hasher.digest(code, salt);
  EXPECT_TRUE(hasher.matches(code, salt, digest));

  auto wrong = code;
  wrong.back() = wrong.back() == '9' ? '0' : static_cast<char>(wrong.back() + 1);
  EXPECT_FALSE(hasher.matches(wrong, salt, digest));
  EXPECT_FALSE(hasher.matches(code + "0", salt, digest));
  EXPECT_FALSE(hasher.matches(code.substr(0, 5), salt, digest));
  EXPECT_FALSE(hasher.matches("", salt, digest));
  EXPECT_FALSE(hasher.matches(code, code_hasher::make_salt(), digest));
  EXPECT_FALSE(code_hasher{std::string_view{"other-secret"}}.matches(code, salt, digest));
}

TEST(code_hasher, malformed_codes_never_match_even_with_their_own_digest) {
  const code_hasher hasher{std::string_view{"server-secret"}};
  const auto salt = counting_salt();
  for (const std::string_view code : {"123", "12345678901", "12a456", " 123456", "", "1234 "}) {
    EXPECT_FALSE(hasher.matches(code, salt, hasher.digest(code, salt))) << '"' << code << '"';
  }
  for (const std::string_view code : {"1234", "0000000000"}) {
    EXPECT_TRUE(hasher.matches(code, salt, hasher.digest(code, salt))) << code;
  }
}

TEST(code_hasher, copies_and_assignments_keep_the_key) {
  const code_hasher original{std::string_view{"server-secret"}};
  const auto salt = counting_salt();
  const auto digest = original.digest("123456", salt);

  const code_hasher copy = original;
  EXPECT_TRUE(copy.matches("123456", salt, digest));

  code_hasher assigned{std::string_view{"other"}};
  assigned = original;
  EXPECT_TRUE(assigned.matches("123456", salt, digest));

  code_hasher moved_into{std::string_view{"other"}};
  moved_into = code_hasher{std::string_view{"server-secret"}};
  EXPECT_TRUE(moved_into.matches("123456", salt, digest));
}

// --- constant_time_equal ------------------------------------------------------------------------

TEST(constant_time_equal, equal_only_for_identical_strings) {
  EXPECT_TRUE(constant_time_equal("sk_live_abc123", "sk_live_abc123"));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal("sk_live_abc123", "sk_live_abc124"));
  EXPECT_FALSE(constant_time_equal("sk_live_abc123", "sk_live_abc12"));
  EXPECT_FALSE(constant_time_equal("sk_live_abc123", ""));
  EXPECT_FALSE(constant_time_equal("", "x"));
  EXPECT_FALSE(constant_time_equal(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

} // namespace
} // namespace verity
