#include "net/egress_pacer.hpp"

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

} // namespace
} // namespace verity::net
