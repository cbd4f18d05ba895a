#include "engine/delivery_status.hpp"

#include <algorithm>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace verity {
namespace {

using namespace std::chrono_literals;
using ds = delivery_status;

timestamp at(int seconds) {
  return timestamp{std::chrono::milliseconds{1'700'000'000'000} + std::chrono::seconds{seconds}};
}

delivery_state fold(const std::vector<status_event>& events) {
  delivery_state state;
  for (const auto& event : events)
    state.merge(event);
  return state;
}

TEST(delivery_status, names_round_trip) {
  for (std::size_t i = 0; i < delivery_status_count; ++i) {
    auto status = static_cast<ds>(i);
    EXPECT_EQ(parse_delivery_status(to_string(status)), status) << to_string(status);
  }
}

TEST(delivery_status, parses_every_outbound_twilio_status) {
  for (auto name : {"queued", "sending", "sent", "delivered", "undelivered", "failed", "read",
                    "accepted", "scheduled", "canceled", "partially_delivered"})
    EXPECT_TRUE(parse_delivery_status(name).has_value()) << name;
  EXPECT_FALSE(parse_delivery_status("receiving"));
  EXPECT_FALSE(parse_delivery_status("received"));
  EXPECT_FALSE(parse_delivery_status("Delivered"));
  EXPECT_FALSE(parse_delivery_status(""));
}

TEST(delivery_status, classifies_outcomes) {
  EXPECT_TRUE(is_delivered(ds::delivered));
  EXPECT_TRUE(is_delivered(ds::read));
  EXPECT_FALSE(is_delivered(ds::sent));
  for (auto failure : {ds::failed, ds::undelivered, ds::timed_out, ds::canceled})
    EXPECT_TRUE(is_failure(failure)) << to_string(failure);
  for (auto pending : {ds::created, ds::accepted, ds::queued, ds::sending, ds::sent})
    EXPECT_TRUE(is_pending(pending)) << to_string(pending);
  EXPECT_FALSE(is_pending(ds::delivered));
  EXPECT_FALSE(is_failure(ds::read));
}

TEST(delivery_state, moves_forward_only) {
  delivery_state state;
  EXPECT_TRUE(state.merge({ds::sent, at(2)}));
  EXPECT_FALSE(state.merge({ds::sent, at(2)}));
  EXPECT_TRUE(state.merge({ds::queued, at(1)})); // late, records its first-seen time only
  EXPECT_EQ(state.current(), ds::sent);
  EXPECT_EQ(state.first_seen(ds::queued), at(1));
  EXPECT_TRUE(state.merge({ds::delivered, at(3)}));
  EXPECT_FALSE(state.merge({ds::sent, at(2)}));
  EXPECT_EQ(state.current(), ds::delivered);
}

TEST(delivery_state, failure_is_terminal_for_progress) {
  delivery_state state;
  state.merge({ds::undelivered, at(5), 30003});
  state.merge({ds::sent, at(3)});
  state.merge({ds::queued, at(1)});
  EXPECT_EQ(state.current(), ds::undelivered);
  EXPECT_EQ(state.error_code(), 30003u);
}

TEST(delivery_state, read_implies_delivered) {
  delivery_state state;
  state.merge({ds::read, at(9)});
  EXPECT_EQ(state.current(), ds::read);
  EXPECT_EQ(state.first_seen(ds::delivered), at(9));
  state.merge({ds::delivered, at(7)});
  EXPECT_EQ(state.first_seen(ds::delivered), at(7));
  EXPECT_EQ(state.current(), ds::read);
}

TEST(delivery_state, late_confirmation_overrides_timeout) {
  delivery_state state;
  state.merge({ds::sent, at(1)});
  state.merge({ds::timed_out, at(10)});
  EXPECT_TRUE(is_failure(state.current()));
  state.merge({ds::delivered, at(12)});
  EXPECT_EQ(state.current(), ds::delivered);
  EXPECT_EQ(state.first_seen(ds::timed_out), at(10));
}

TEST(delivery_state, error_code_follows_current_status) {
  delivery_state state;
  state.merge({ds::failed, at(2), 63003});
  EXPECT_EQ(state.error_code(), 63003u);
  state.merge({ds::delivered, at(3)});
  EXPECT_EQ(state.error_code(), 0u);
}

TEST(delivery_state, same_failure_with_two_codes_keeps_smallest) {
  auto a = fold({{ds::failed, at(2), 30008}, {ds::failed, at(3), 30003}});
  auto b = fold({{ds::failed, at(3), 30003}, {ds::failed, at(2), 30008}});
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.error_code(), 30003u);
}

TEST(delivery_state, rebuilds_from_its_seen_statuses) {
  auto original = fold({{ds::queued, at(1)}, {ds::sent, at(2)}, {ds::undelivered, at(4), 30005},
                        {ds::read, at(9)}});
  delivery_state rebuilt;
  for (std::size_t i = 0; i < delivery_status_count; ++i) {
    auto status = static_cast<ds>(i);
    if (auto seen = original.first_seen(status))
      rebuilt.merge({status, *seen, original.error_code_of(status)});
  }
  EXPECT_EQ(rebuilt, original);
  EXPECT_EQ(rebuilt.error_code_of(ds::undelivered), 30005u);
}

/// Callback sequences as Twilio sends them (times in seconds after creation).
std::vector<std::vector<status_event>> real_sequences() {
  return {
    // WhatsApp, delivered and read.
    {{ds::created, at(0)}, {ds::queued, at(1)}, {ds::sent, at(2)}, {ds::delivered, at(3)},
     {ds::read, at(8)}},
    // SMS through a Messaging Service.
    {{ds::created, at(0)}, {ds::accepted, at(1)}, {ds::queued, at(1)}, {ds::sending, at(2)},
     {ds::sent, at(2)}, {ds::delivered, at(4)}},
    // WhatsApp to a non-user.
    {{ds::created, at(0)}, {ds::queued, at(1)}, {ds::failed, at(2), 63003}},
    // SMS the carrier could not deliver.
    {{ds::created, at(0)}, {ds::queued, at(1)}, {ds::sent, at(2)},
     {ds::undelivered, at(6), 30003}},
    // No confirmation by the deadline, then a late delivery.
    {{ds::created, at(0)}, {ds::queued, at(1)}, {ds::sent, at(2)}, {ds::timed_out, at(10)},
     {ds::delivered, at(14)}, {ds::read, at(20)}},
    // Read arrives without a delivered callback.
    {{ds::created, at(0)}, {ds::queued, at(1)}, {ds::sent, at(2)}, {ds::read, at(5)}},
  };
}

TEST(delivery_state, property_permutations_and_duplicates_converge) {
  std::mt19937_64 rng{20261122};
  for (const auto& sequence : real_sequences()) {
    auto expected = fold(sequence);
    for (int round = 0; round < 2000; ++round) {
      auto shuffled = sequence;
      std::uniform_int_distribution<std::size_t> pick{0, sequence.size() - 1};
      std::uniform_int_distribution<int> copies{0, 3};
      for (int extra = copies(rng); extra > 0; --extra)
        shuffled.push_back(sequence[pick(rng)]); // Twilio retries a callback
      std::shuffle(shuffled.begin(), shuffled.end(), rng);
      auto state = fold(shuffled);
      ASSERT_EQ(state, expected) << "round " << round;
      for (std::size_t i = 0; i < delivery_status_count; ++i)
        ASSERT_EQ(state.first_seen(static_cast<ds>(i)),
                  expected.first_seen(static_cast<ds>(i)));
    }
  }
}

TEST(delivery_state, property_state_merge_is_a_join) {
  std::mt19937_64 rng{7};
  auto sequences = real_sequences();
  for (int round = 0; round < 500; ++round) {
    std::vector<status_event> pool;
    for (const auto& sequence : sequences)
      pool.insert(pool.end(), sequence.begin(), sequence.end());
    std::shuffle(pool.begin(), pool.end(), rng);
    auto third = pool.size() / 3;
    auto a = fold({pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(third)});
    auto b = fold({pool.begin() + static_cast<std::ptrdiff_t>(third),
                   pool.begin() + static_cast<std::ptrdiff_t>(2 * third)});
    auto c = fold({pool.begin() + static_cast<std::ptrdiff_t>(2 * third), pool.end()});
    auto ab_c = a;
    ab_c.merge(b);
    ab_c.merge(c);
    auto bc = b;
    bc.merge(c);
    auto a_bc = a;
    a_bc.merge(bc);
    auto c_ba = c;
    c_ba.merge(b);
    c_ba.merge(a);
    ASSERT_EQ(ab_c, a_bc);
    ASSERT_EQ(ab_c, c_ba);
    ASSERT_EQ(ab_c, fold(pool));
    auto again = ab_c;
    EXPECT_FALSE(again.merge(ab_c)); // idempotent
  }
}

TEST(delivery_status, seen_events_rebuild_the_state_they_come_from) {
  auto state = fold({{ds::created, at(0), 0}, {ds::sent, at(2), 0}, {ds::queued, at(1), 0},
                     {ds::failed, at(4), 30008}, {ds::read, at(3), 0}});
  auto events = seen_events(state);
  ASSERT_EQ(events.size(), 6u) << "read implies delivered";
  EXPECT_TRUE(std::is_sorted(events.begin(), events.end(), [](const auto& a, const auto& b) {
    return a.status < b.status;
  }));
  EXPECT_EQ(fold(events), state);
  EXPECT_TRUE(seen_events(delivery_state{}).empty());
}

} // namespace
} // namespace verity
