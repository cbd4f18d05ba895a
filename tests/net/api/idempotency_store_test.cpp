#include "net/api/idempotency_store.hpp"

#include <gtest/gtest.h>

namespace verity::net {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

const clock::time_point t0{};

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
