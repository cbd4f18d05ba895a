#include "engine/units.hpp"

#include <limits>

#include <gtest/gtest.h>

namespace verity {
namespace {

using namespace std::chrono_literals;

TEST(units_test, durations_take_every_unit) {
  EXPECT_EQ(parse_duration("250ms"), 250ms);
  EXPECT_EQ(parse_duration("10s"), 10s);
  EXPECT_EQ(parse_duration("15m"), 15min);
  EXPECT_EQ(parse_duration("1h"), 1h);
  EXPECT_EQ(parse_duration("90d"), 24h * 90);
  EXPECT_EQ(parse_duration("0s"), 0ms);
}

TEST(units_test, a_bare_number_is_refused_naming_the_units) {
  auto parsed = parse_duration("10");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().rfind("expected", 0), 0U) << parsed.error();
  EXPECT_NE(parsed.error().find("ms, s, m, h or d"), std::string::npos) << parsed.error();
}

TEST(units_test, malformed_durations_are_refused) {
  for (auto text : {"", "s", "-5s", "1.5s", "10 s", " 10s", "10sec", "10S", "5w", "1h30m", "soon"})
    EXPECT_FALSE(parse_duration(text)) << text;
}

TEST(units_test, durations_beyond_the_limit_are_refused) {
  EXPECT_EQ(parse_duration("36500d"), max_duration);
  EXPECT_FALSE(parse_duration("36501d"));
  EXPECT_FALSE(parse_duration("99999999999999999999999ms"));
  EXPECT_FALSE(parse_duration("18446744073709551615d"));
}

TEST(units_test, durations_format_with_the_largest_exact_unit) {
  EXPECT_EQ(format_duration(600000ms), "10m");
  EXPECT_EQ(format_duration(1500ms), "1500ms");
  EXPECT_EQ(format_duration(24h * 90), "90d");
  EXPECT_EQ(format_duration(1h), "1h");
  EXPECT_EQ(format_duration(10s), "10s");
  EXPECT_EQ(format_duration(0ms), "0s");
  EXPECT_EQ(format_duration(-5ms), "0s");
}

TEST(units_test, durations_round_trip) {
  for (auto text : {"250ms", "10s", "15m", "1h", "90d", "36500d"})
    EXPECT_EQ(format_duration(parse_duration(text).value()), text);
}

TEST(units_test, sizes_take_bytes_and_binary_units) {
  EXPECT_EQ(parse_size("512"), 512U);
  EXPECT_EQ(parse_size("512B"), 512U);
  EXPECT_EQ(parse_size("64KiB"), 64U * 1024);
  EXPECT_EQ(parse_size("1MiB"), 1024U * 1024);
  EXPECT_EQ(parse_size("2GiB"), 2ULL << 30);
  EXPECT_EQ(parse_size("1mib"), 1024U * 1024);
  EXPECT_EQ(parse_size("0"), 0U);
}

TEST(units_test, decimal_size_units_are_refused_with_a_hint) {
  for (auto text : {"2KB", "2kb", "1MB", "1GB", "2k"}) {
    auto parsed = parse_size(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_NE(parsed.error().find("KiB"), std::string::npos) << parsed.error();
  }
}

TEST(units_test, malformed_sizes_are_refused) {
  for (auto text : {"", "KiB", "-1", "1.5KiB", "64 KiB", "64TiB", "lots"})
    EXPECT_FALSE(parse_size(text)) << text;
  EXPECT_EQ(parse_size("18446744073709551615"), std::numeric_limits<std::uint64_t>::max());
  EXPECT_FALSE(parse_size("18446744073709551616"));
  EXPECT_FALSE(parse_size("17179869184GiB"));
}

TEST(units_test, sizes_format_with_the_largest_exact_unit) {
  EXPECT_EQ(format_size(65536), "64KiB");
  EXPECT_EQ(format_size(1000), "1000B");
  EXPECT_EQ(format_size(1U << 20), "1MiB");
  EXPECT_EQ(format_size(3ULL << 30), "3GiB");
  EXPECT_EQ(format_size(0), "0B");
}

TEST(units_test, rates_are_a_count_per_duration) {
  EXPECT_EQ(parse_rate("5/10m"), (rate_limit{5, 10min}));
  EXPECT_EQ(parse_rate("120/1m"), (rate_limit{120, 1min}));
  EXPECT_EQ(parse_rate("1000/10m"), (rate_limit{1000, 10min}));
  EXPECT_EQ(parse_rate("4294967295/1s"), (rate_limit{4294967295U, 1s}));
}

TEST(units_test, meaningless_or_malformed_rates_are_refused) {
  for (auto text : {"", "5", "5/", "/10m", "5/10", "0/10m", "5/0s", "-5/10m", "5 / 10m",
                    "4294967296/1s", "5/10m/2", "five/10m"}) {
    auto parsed = parse_rate(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().rfind("expected", 0), 0U) << parsed.error();
  }
}

TEST(units_test, rates_format_canonically) {
  EXPECT_EQ(format_rate({5, 10min}), "5/10m");
  EXPECT_EQ(format_rate({120, 60s}), "120/1m");
}

TEST(units_test, booleans_take_common_words_in_any_case) {
  for (auto text : {"true", "TRUE", "1", "yes", "Yes", "on", "ON"})
    EXPECT_EQ(parse_bool(text), true) << text;
  for (auto text : {"false", "False", "0", "no", "NO", "off", "Off"})
    EXPECT_EQ(parse_bool(text), false) << text;
  for (auto text : {"", "maybe", "2", "y", "t", " true"})
    EXPECT_FALSE(parse_bool(text)) << text;
  EXPECT_EQ(format_bool(true), "true");
  EXPECT_EQ(format_bool(false), "false");
}

} // namespace
} // namespace verity
