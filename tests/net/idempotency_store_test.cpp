#include "net/idempotency_store.hpp"

#include <gtest/gtest.h>

#include "net/expiring_map.hpp"

namespace verity::net {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

const clock::time_point t0{};

TEST(expiring_map_test, entries_expire_after_their_ttl) {
  expiring_map<std::string, int> map{10, 1000ms};
  map.put("a", 1, t0);
  ASSERT_NE(map.find("a", t0 + 999ms), nullptr);
  EXPECT_EQ(*map.find("a", t0 + 999ms), 1);
  EXPECT_EQ(map.find("a", t0 + 1000ms), nullptr);
  EXPECT_EQ(map.size(), 0u);
}

TEST(expiring_map_test, oldest_write_is_dropped_when_full) {
  expiring_map<std::string, int> map{2, 1000ms};
  map.put("a", 1, t0);
  map.put("b", 2, t0 + 1ms);
  map.put("a", 3, t0 + 2ms); // rewriting makes "a" the newest
  map.put("c", 4, t0 + 3ms);
  EXPECT_EQ(map.find("b", t0 + 4ms), nullptr);
  EXPECT_EQ(*map.find("a", t0 + 4ms), 3);
  EXPECT_EQ(*map.find("c", t0 + 4ms), 4);
  EXPECT_EQ(map.size(), 2u);
}

TEST(expiring_map_test, writes_drop_expired_entries) {
  expiring_map<int, int> map{100, 10ms};
  for (int i = 0; i < 50; ++i)
    map.put(i, i, t0);
  map.put(99, 99, t0 + 20ms);
  EXPECT_EQ(map.size(), 1u);
}

TEST(idempotency_store_test, claim_replay_and_conflict) {
  idempotency_store store{100, 24h};
  EXPECT_EQ(store.claim("k", "body-1", t0).outcome, idempotency_outcome::proceed);
  EXPECT_EQ(store.claim("k", "body-1", t0).outcome, idempotency_outcome::in_progress);
  EXPECT_EQ(store.claim("k", "body-2", t0).outcome, idempotency_outcome::conflict);
  store.complete("k", {201, "application/json", "{}", {}}, t0);
  auto replay = store.claim("k", "body-1", t0 + 1h);
  EXPECT_EQ(replay.outcome, idempotency_outcome::replay);
  EXPECT_EQ(replay.stored.status, 201);
  EXPECT_EQ(replay.stored.body, "{}");
  EXPECT_EQ(store.claim("k", "body-2", t0 + 1h).outcome, idempotency_outcome::conflict);
  EXPECT_EQ(store.claim("k", "body-2", t0 + 25h).outcome, idempotency_outcome::proceed);
}

TEST(idempotency_store_test, released_key_can_be_used_again) {
  idempotency_store store{100, 24h};
  EXPECT_EQ(store.claim("k", "body-1", t0).outcome, idempotency_outcome::proceed);
  store.release("k");
  EXPECT_EQ(store.claim("k", "body-2", t0).outcome, idempotency_outcome::proceed);
}

} // namespace
} // namespace verity::net
