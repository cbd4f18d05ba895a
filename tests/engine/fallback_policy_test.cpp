#include "engine/fallback_policy.hpp"

#include <gtest/gtest.h>

namespace verity {
namespace {

TEST(fallback_policy_test, names_round_trip) {
  for (auto policy : {fallback_policy::manual, fallback_policy::automatic, fallback_policy::none})
    EXPECT_EQ(parse_fallback(to_string(policy)), policy);
  EXPECT_EQ(to_string(fallback_policy::automatic), "auto");
}

TEST(fallback_policy_test, names_parse_in_any_case) {
  EXPECT_EQ(parse_fallback("MANUAL"), fallback_policy::manual);
  EXPECT_EQ(parse_fallback("Auto"), fallback_policy::automatic);
  EXPECT_EQ(parse_fallback("nOnE"), fallback_policy::none);
}

TEST(fallback_policy_test, other_texts_are_refused) {
  for (const auto* text : {"", "automatic", "autox", "aut", " auto", "sms"}) {
    auto parsed = parse_fallback(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error(), "expected manual, auto or none");
  }
}

} // namespace
} // namespace verity
