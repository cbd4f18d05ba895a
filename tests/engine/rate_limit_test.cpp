#include "engine/rate_limit.hpp"

#include <string>

#include <gtest/gtest.h>

namespace verity {
namespace {

using namespace std::chrono_literals;
using clock_type = sliding_window_counter::clock;

clock_type::time_point t0() {
  return clock_type::time_point{} + 1000h; // an arbitrary steady-clock reading
}

TEST(sliding_window_counter, admits_up_to_the_limit) {
  sliding_window_counter counter{5, 10min};
  for (int i = 0; i < 5; ++i)
    EXPECT_TRUE(counter.try_acquire(t0() + i * 1s).allowed) << i;
  auto refused = counter.try_acquire(t0() + 5s);
  EXPECT_FALSE(refused.allowed);
  EXPECT_GT(refused.retry_after, 0ms);
  EXPECT_LE(refused.retry_after, 20min);
}

TEST(sliding_window_counter, retry_after_is_exact_enough_to_succeed) {
  sliding_window_counter counter{5, 10min};
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(counter.try_acquire(t0()).allowed);
  auto refused = counter.try_acquire(t0() + 1min);
  ASSERT_FALSE(refused.allowed);
  auto retry_at = t0() + 1min + refused.retry_after;
  EXPECT_FALSE(counter.try_acquire(retry_at - 2ms).allowed);
  EXPECT_TRUE(counter.try_acquire(retry_at).allowed);
}

TEST(sliding_window_counter, previous_window_fades_out) {
  sliding_window_counter counter{4, 1min};
  // Fill the window that contains t0 (windows are aligned to the clock's epoch).
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(counter.try_acquire(t0()).allowed);
  // Half a window later, the previous four still weigh two or more.
  auto half_into_next = t0() + 1min + 30s;
  EXPECT_GE(counter.estimate(half_into_next), 2.0);
  EXPECT_LE(counter.estimate(half_into_next), 4.0);
  // Two windows later nothing is left.
  EXPECT_EQ(counter.estimate(t0() + 3min), 0.0);
  EXPECT_TRUE(counter.idle(t0() + 3min));
}

TEST(sliding_window_counter, never_admits_more_than_limit_in_any_window) {
  sliding_window_counter counter{10, 1min};
  std::vector<clock_type::time_point> admitted;
  for (int step = 0; step < 6000; ++step) {
    auto now = t0() + step * 100ms;
    if (counter.try_acquire(now).allowed)
      admitted.push_back(now);
  }
  for (std::size_t i = 0; i < admitted.size(); ++i) {
    auto in_window = std::count_if(admitted.begin() + static_cast<std::ptrdiff_t>(i), admitted.end(),
                                   [&](auto when) { return when < admitted[i] + 1min; });
    // The weighted estimate may admit a little over the limit at a window edge, never double.
    ASSERT_LE(in_window, 15) << "at " << i;
  }
  EXPECT_GE(admitted.size(), 90u); // ~10/min over 10 minutes
}

TEST(sliding_window_counter, zero_limit_admits_nothing) {
  sliding_window_counter counter{0, 1min};
  auto decision = counter.try_acquire(t0());
  EXPECT_FALSE(decision.allowed);
  EXPECT_GT(decision.retry_after, 0ms);
}

TEST(keyed_rate_limiter, keys_are_independent_and_purged_when_idle) {
  keyed_rate_limiter<std::string> limiter{1, 1min};
  EXPECT_TRUE(limiter.try_acquire("+1555", t0()).allowed);
  EXPECT_FALSE(limiter.try_acquire("+1555", t0()).allowed);
  EXPECT_TRUE(limiter.try_acquire("+4477", t0()).allowed);
  EXPECT_EQ(limiter.size(), 2u);
  limiter.purge(t0() + 30s);
  EXPECT_EQ(limiter.size(), 2u);
  limiter.purge(t0() + 3min);
  EXPECT_EQ(limiter.size(), 0u);
}

} // namespace
} // namespace verity
