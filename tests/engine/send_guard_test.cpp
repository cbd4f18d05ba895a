#include "engine/send_guard.hpp"

#include <gtest/gtest.h>

namespace verity {
namespace {

using namespace std::chrono_literals;
using clock_type = send_guard::clock;

clock_type::time_point t0() {
  return clock_type::time_point{} + 1000h; // an arbitrary steady-clock reading
}

/// Three sends per prefix and ten per country in ten minutes; an hour's cooldown.
send_guard_limits strict_limits() {
  return {{3, 10min}, 1h, {10, 10min}};
}

TEST(send_guard, admits_up_to_the_prefix_limit_then_opens_the_breaker) {
  send_guard guard{strict_limits()};
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(guard.try_acquire("+12015550123", t0() + i * 1s).allowed()) << i;
  auto tripped = guard.try_acquire("+12015550199", t0() + 3s);
  EXPECT_EQ(tripped.refusal, send_refusal::prefix_limit);
  EXPECT_EQ(tripped.retry_after, 1h);
  EXPECT_EQ(guard.open_breakers(t0() + 3s), 1u);
}

TEST(send_guard, an_open_breaker_refuses_until_its_cooldown_ends) {
  send_guard guard{strict_limits()};
  for (int i = 0; i < 4; ++i)
    guard.try_acquire("+12015550123", t0());
  auto later = t0() + 30min; // the sliding window alone would admit again by now
  auto refused = guard.try_acquire("+12015550123", later);
  EXPECT_EQ(refused.refusal, send_refusal::prefix_breaker);
  EXPECT_EQ(refused.retry_after, 30min);
  EXPECT_TRUE(guard.try_acquire("+12015550123", t0() + 1h).allowed());
  EXPECT_EQ(guard.open_breakers(t0() + 1h), 0u);
}

TEST(send_guard, prefixes_are_counted_apart) {
  send_guard guard{strict_limits()};
  for (int i = 0; i < 4; ++i)
    guard.try_acquire("+12015550123", t0());
  EXPECT_TRUE(guard.try_acquire("+12025550123", t0()).allowed());
  EXPECT_TRUE(guard.try_acquire("+442079460958", t0()).allowed());
}

TEST(send_guard, the_country_limit_spans_prefixes) {
  send_guard guard{{{100, 10min}, 1h, {2, 10min}}};
  EXPECT_TRUE(guard.try_acquire("+12015550123", t0()).allowed());
  EXPECT_TRUE(guard.try_acquire("+13125550123", t0()).allowed());
  auto refused = guard.try_acquire("+14155550123", t0());
  EXPECT_EQ(refused.refusal, send_refusal::country_limit);
  EXPECT_GT(refused.retry_after, 0ms);
  EXPECT_LE(refused.retry_after, 20min);
  EXPECT_TRUE(guard.try_acquire("+442079460958", t0()).allowed()) << "another country";
  EXPECT_EQ(guard.open_breakers(t0()), 0u) << "a country limit opens no breaker";
}

TEST(send_guard, purge_forgets_closed_breakers_and_idle_counters) {
  send_guard guard{strict_limits()};
  for (int i = 0; i < 4; ++i)
    guard.try_acquire("+12015550123", t0());
  guard.purge(t0() + 30min);
  EXPECT_EQ(guard.open_breakers(t0() + 30min), 1u) << "an open breaker survives a purge";
  guard.purge(t0() + 2h);
  EXPECT_EQ(guard.open_breakers(t0() + 2h), 0u);
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(guard.try_acquire("+12015550123", t0() + 2h).allowed()) << i;
}

TEST(send_guard, refusals_have_label_names) {
  EXPECT_EQ(to_string(send_refusal::prefix_breaker), "prefix_breaker");
  EXPECT_EQ(to_string(send_refusal::prefix_limit), "prefix_limit");
  EXPECT_EQ(to_string(send_refusal::country_limit), "country_limit");
}

} // namespace
} // namespace verity
