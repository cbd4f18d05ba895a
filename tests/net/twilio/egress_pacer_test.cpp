#include "net/twilio/egress_pacer.hpp"

#include <algorithm>
#include <map>

#include <gtest/gtest.h>

namespace verity::net {
namespace {

using namespace std::chrono_literals;
using clock_type = egress_pacer::clock;

const clock_type::time_point t0{};

egress_limits limits(pace default_pace, std::size_t in_flight = 100, std::size_t queued = 100) {
  egress_limits l;
  l.default_pace = default_pace;
  l.max_in_flight = in_flight;
  l.max_queued = queued;
  return l;
}

TEST(egress_pacer_test, the_sandbox_sender_gets_one_message_per_three_seconds) {
  egress_pacer pacer{egress_limits{}};
  for (std::uint64_t i = 0; i < 3; ++i)
    ASSERT_TRUE(pacer.enqueue("whatsapp:+14155238886", i, t0));
  EXPECT_EQ(pacer.take_ready(t0), std::vector<std::uint64_t>{0});
  EXPECT_TRUE(pacer.take_ready(t0 + 2900ms).empty());
  auto next = pacer.next_ready(t0 + 2900ms);
  ASSERT_TRUE(next);
  EXPECT_GE(*next, t0 + 3s);
  EXPECT_LE(*next, t0 + 3s + 1us) << "rounded up, never down";
  EXPECT_EQ(pacer.take_ready(t0 + 3s), std::vector<std::uint64_t>{1});
  EXPECT_EQ(pacer.take_ready(t0 + 6s), std::vector<std::uint64_t>{2});
  EXPECT_FALSE(pacer.next_ready(t0 + 6s));
}

TEST(egress_pacer_test, a_withdrawn_request_never_starts_and_says_what_held_it) {
  egress_pacer pacer{egress_limits{}};
  for (std::uint64_t i = 0; i < 3; ++i)
    ASSERT_TRUE(pacer.enqueue("whatsapp:+14155238886", i, t0));
  EXPECT_EQ(pacer.take_ready(t0), std::vector<std::uint64_t>{0});
  EXPECT_FALSE(pacer.withdraw(0, t0)) << "already started: too late to withdraw";
  EXPECT_EQ(pacer.withdraw(1, t0 + 1s), not_sent_reason::sender_rate);
  EXPECT_EQ(pacer.queued(), 1U);
  EXPECT_FALSE(pacer.withdraw(1, t0 + 1s)) << "withdrawn once";
  EXPECT_EQ(pacer.take_ready(t0 + 3s), std::vector<std::uint64_t>{2});
  EXPECT_FALSE(pacer.withdraw(7, t0 + 3s)) << "unknown";
}

TEST(egress_pacer_test, a_request_held_by_the_in_flight_cap_is_withdrawn_as_egress_busy) {
  egress_pacer pacer{limits(pace{100, 100}, 1)};
  ASSERT_TRUE(pacer.enqueue("+12015550100", 0, t0));
  ASSERT_TRUE(pacer.enqueue("+12015550100", 1, t0));
  EXPECT_EQ(pacer.take_ready(t0), std::vector<std::uint64_t>{0});
  EXPECT_EQ(pacer.withdraw(1, t0 + 10s), not_sent_reason::egress_busy);
  EXPECT_EQ(pacer.queued(), 0U);
}

TEST(egress_pacer_test, a_burst_starts_together_then_the_rate_holds) {
  egress_pacer pacer{limits(pace{10, 3})};
  for (std::uint64_t i = 0; i < 5; ++i)
    ASSERT_TRUE(pacer.enqueue("+12015550100", i, t0));
  EXPECT_EQ(pacer.take_ready(t0), (std::vector<std::uint64_t>{0, 1, 2}));
  EXPECT_EQ(pacer.take_ready(t0 + 100ms), std::vector<std::uint64_t>{3});
  EXPECT_EQ(pacer.take_ready(t0 + 150ms), std::vector<std::uint64_t>{});
  EXPECT_EQ(pacer.take_ready(t0 + 200ms), std::vector<std::uint64_t>{4});
  EXPECT_EQ(pacer.in_flight(), 5U);
  EXPECT_EQ(pacer.queued(), 0U);
}

TEST(egress_pacer_test, senders_take_turns) {
  egress_pacer pacer{limits(pace{1, 2})};
  ASSERT_TRUE(pacer.enqueue("a", 1, t0));
  ASSERT_TRUE(pacer.enqueue("a", 2, t0));
  ASSERT_TRUE(pacer.enqueue("b", 3, t0));
  ASSERT_TRUE(pacer.enqueue("b", 4, t0));
  EXPECT_EQ(pacer.take_ready(t0), (std::vector<std::uint64_t>{1, 3, 2, 4}));
}

TEST(egress_pacer_test, the_in_flight_cap_holds_until_a_request_finishes) {
  egress_pacer pacer{limits(pace{1000, 1000}, 2)};
  for (std::uint64_t i = 0; i < 3; ++i)
    ASSERT_TRUE(pacer.enqueue("a", i, t0));
  EXPECT_EQ(pacer.take_ready(t0).size(), 2U);
  EXPECT_TRUE(pacer.take_ready(t0 + 1s).empty());
  EXPECT_FALSE(pacer.next_ready(t0 + 1s)) << "only a finished request unblocks";
  pacer.finished();
  EXPECT_EQ(pacer.take_ready(t0 + 1s), std::vector<std::uint64_t>{2});
}

TEST(egress_pacer_test, the_queue_is_bounded) {
  egress_pacer pacer{limits(pace{1, 1}, 100, 2)};
  EXPECT_TRUE(pacer.enqueue("a", 1, t0));
  EXPECT_TRUE(pacer.enqueue("b", 2, t0));
  EXPECT_FALSE(pacer.enqueue("c", 3, t0));
  EXPECT_EQ(pacer.queued(), 2U);
}

TEST(egress_pacer_test, a_quiet_sender_does_not_bank_more_than_its_burst) {
  egress_pacer pacer{limits(pace{10, 2})};
  for (std::uint64_t i = 0; i < 4; ++i)
    ASSERT_TRUE(pacer.enqueue("a", i, t0));
  EXPECT_EQ(pacer.take_ready(t0 + 1h).size(), 2U);
}

/// When each request started.
using start_times = std::map<std::uint64_t, clock_type::time_point>;

/// Drives `pacer` the way the client does, in virtual time: starts whatever it allows, finishes
/// each request at once, jumps to the next moment it names.
start_times drain(egress_pacer& pacer, clock_type::time_point now) {
  start_times starts;
  while (pacer.queued() > 0) {
    for (auto request : pacer.take_ready(now)) {
      starts.emplace(request, now);
      pacer.finished();
    }
    if (auto next = pacer.next_ready(now))
      now = *next;
  }
  return starts;
}

/// Seconds from t0 to the last start among requests [first, first + count).
double last_start(const start_times& starts, std::uint64_t first, std::uint64_t count) {
  clock_type::time_point last = t0;
  for (auto request = first; request < first + count; ++request)
    last = std::max(last, starts.at(request));
  return std::chrono::duration<double>{last - t0}.count();
}

TEST(egress_pacer_test, a_backlog_drains_at_the_configured_mps_and_never_faster) {
  constexpr double mps = 50;
  constexpr double burst = 10;
  egress_pacer pacer{limits(pace{mps, burst}, 100, 2'000)};
  for (std::uint64_t i = 0; i < 1'010; ++i)
    ASSERT_TRUE(pacer.enqueue("+12015550100", i, t0));
  auto starts = drain(pacer, t0);
  ASSERT_EQ(starts.size(), 1'010U);
  EXPECT_NEAR(last_start(starts, 0, 1'010), (1'010 - burst) / mps, 0.001)
    << "the burst, then exactly 50/s";
  std::vector<clock_type::time_point> times;
  for (const auto& [request, at] : starts)
    times.push_back(at);
  for (auto from = times.begin(); from != times.end(); ++from) {
    auto in_window = std::count_if(from, times.end(), [&](auto at) { return at < *from + 1s; });
    ASSERT_LE(in_window, static_cast<std::ptrdiff_t>(mps + burst)) << "any 1 s window";
  }
}

TEST(egress_pacer_test, each_sender_holds_its_own_mps_side_by_side) {
  egress_limits l = limits(pace{80, 1}, 100, 2'000);
  l.paces["slow"] = pace{10, 1};
  egress_pacer pacer{l};
  for (std::uint64_t i = 0; i < 100; ++i) {
    ASSERT_TRUE(pacer.enqueue("slow", i, t0));
    ASSERT_TRUE(pacer.enqueue("fast", 1'000 + i, t0));
  }
  auto starts = drain(pacer, t0);
  EXPECT_NEAR(last_start(starts, 1'000, 100), 99 / 80.0, 0.001);
  EXPECT_NEAR(last_start(starts, 0, 100), 99 / 10.0, 0.001);
}

TEST(egress_pacer_test, overload_is_refused_and_room_comes_back_as_requests_start) {
  egress_pacer pacer{limits(pace{1, 1}, 100, 3)};
  for (std::uint64_t i = 0; i < 3; ++i)
    ASSERT_TRUE(pacer.enqueue("a", i, t0));
  EXPECT_FALSE(pacer.enqueue("b", 3, t0)) << "full: the caller reports overload";
  EXPECT_EQ(pacer.take_ready(t0).size(), 1U);
  EXPECT_TRUE(pacer.enqueue("b", 4, t0)) << "a start makes room";
  EXPECT_FALSE(pacer.enqueue("b", 5, t0));
  EXPECT_EQ(pacer.queued(), 3U);
}

} // namespace
} // namespace verity::net
