#include "engine/retry_policy.hpp"

#include <gtest/gtest.h>

namespace verity {
namespace {

using namespace std::chrono_literals;

TEST(retry_policy, ceiling_doubles_up_to_the_cap) {
  retry_policy policy;
  EXPECT_EQ(policy.ceiling(0), 100ms);
  EXPECT_EQ(policy.ceiling(1), 200ms);
  EXPECT_EQ(policy.ceiling(4), 1600ms);
  EXPECT_EQ(policy.ceiling(5), 3000ms);
  EXPECT_EQ(policy.ceiling(1000), 3000ms); // no overflow
}

TEST(retry_policy, full_jitter_spans_zero_to_ceiling) {
  retry_policy policy;
  EXPECT_EQ(policy.delay(3, 0.0), 0ms);
  EXPECT_EQ(policy.delay(3, 0.5), 400ms);
  EXPECT_EQ(policy.delay(3, 0.999999), 799ms);
  EXPECT_EQ(policy.delay(3, 7.0), 800ms); // out-of-range draws are clamped
  EXPECT_EQ(policy.delay(3, -1.0), 0ms);
}

TEST(retry_policy, stops_at_the_deadline) {
  retry_policy policy{1s, 60s};
  EXPECT_EQ(policy.next_delay(2, 10s, 0.5), 2s);
  EXPECT_EQ(policy.next_delay(2, 2s, 0.5), std::nullopt); // would start exactly at the deadline
  EXPECT_EQ(policy.next_delay(3, 3s, 0.5), std::nullopt);
  EXPECT_EQ(policy.next_delay(0, 0ms, 0.0), std::nullopt);
}

TEST(retry_policy, retry_after_raises_the_delay) {
  retry_policy policy;
  EXPECT_EQ(policy.next_delay(0, 10s, 0.1, 2s), 2s);
  EXPECT_EQ(policy.next_delay(0, 1s, 0.1, 2s), std::nullopt);
}

} // namespace
} // namespace verity
