#include "engine/id.hpp"

#include <set>
#include <string>
#include <unordered_set>

#include <gtest/gtest.h>

namespace verity {
namespace {

constexpr std::string_view sample_hex = "0123456789abcdef00ff7f80a5c3e1d2";

TEST(id, text_form_is_prefix_and_32_lower_case_hex_digits) {
  const auto text = verification_id::generate().to_string();
  ASSERT_EQ(text.size(), 34U);
  EXPECT_EQ(text.substr(0, 2), "VE");
  EXPECT_EQ(text.find_first_not_of("0123456789abcdef", 2), std::string::npos) << text;
  EXPECT_EQ(message_id::generate().to_string().substr(0, 2), "MS");
}

TEST(id, round_trips_through_text) {
  for (int i = 0; i < 100; ++i) {
    const auto id = message_id::generate();
    const auto parsed = message_id::parse(id.to_string());
    ASSERT_TRUE(parsed.has_value()) << parsed.error();
    EXPECT_EQ(*parsed, id);
  }
  const auto text = "VE" + std::string(sample_hex);
  const auto parsed = verification_id::parse(text);
  ASSERT_TRUE(parsed.has_value()) << parsed.error();
  EXPECT_EQ(parsed->to_string(), text);
}

TEST(id, round_trips_through_bytes) {
  const auto id = verification_id::generate();
  EXPECT_EQ(verification_id(id.bytes()), id);

  const auto parsed = verification_id::parse("VE" + std::string(sample_hex));
  ASSERT_TRUE(parsed.has_value());
  const verification_id::bytes_type expected{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
                                             0x00, 0xff, 0x7f, 0x80, 0xa5, 0xc3, 0xe1, 0xd2};
  EXPECT_EQ(parsed->bytes(), expected);
}

TEST(id, generated_ids_are_distinct) {
  std::unordered_set<verification_id> seen;
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(seen.insert(verification_id::generate()).second);
  }
}

TEST(id, orders_by_bytes) {
  const auto low = verification_id::parse("VE" + std::string(32, '0'));
  const auto high = verification_id::parse("VE" + std::string(31, '0') + "1");
  ASSERT_TRUE(low && high);
  EXPECT_LT(*low, *high);
  EXPECT_NE(*low, *high);
  EXPECT_EQ(*low, verification_id{});
  const std::set<verification_id> sorted{*high, *low};
  EXPECT_EQ(*sorted.begin(), *low);
}

TEST(id, refuses_the_wrong_prefix) {
  const auto hex = std::string(sample_hex);
  EXPECT_FALSE(verification_id::parse("MS" + hex));
  EXPECT_FALSE(message_id::parse("VE" + hex));
  EXPECT_FALSE(verification_id::parse("ve" + hex));
  EXPECT_FALSE(verification_id::parse("SM" + hex));
  EXPECT_FALSE(verification_id::parse(hex + "00"));
  const auto wrong = verification_id::parse("MS" + hex);
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().find("VE"), std::string::npos) << wrong.error();
}

TEST(id, refuses_the_wrong_length) {
  const auto hex = std::string(sample_hex);
  EXPECT_FALSE(verification_id::parse(""));
  EXPECT_FALSE(verification_id::parse("VE"));
  EXPECT_FALSE(verification_id::parse("VE" + hex.substr(1)));
  EXPECT_FALSE(verification_id::parse("VE" + hex + "0"));
  EXPECT_FALSE(verification_id::parse(" VE" + hex));
  EXPECT_FALSE(verification_id::parse("VE" + hex + "\n"));
}

TEST(id, refuses_non_hex_and_upper_case_hex) {
  auto text = "VE" + std::string(sample_hex);
  for (const char bad : {'g', 'A', 'F', 'z', ' ', '-', '\0'}) {
    for (const std::size_t position : {2U, 17U, 33U}) {
      auto changed = text;
      changed[position] = bad;
      EXPECT_FALSE(verification_id::parse(changed)) << changed;
    }
  }
  EXPECT_FALSE(verification_id::parse("VE0123456789ABCDEF00FF7F80A5C3E1D2"));
}

TEST(id, hash_is_consistent_with_equality) {
  const auto id = message_id::generate();
  const auto copy = message_id::parse(id.to_string());
  ASSERT_TRUE(copy);
  EXPECT_EQ(std::hash<message_id>{}(id), std::hash<message_id>{}(*copy));
}

} // namespace
} // namespace verity
