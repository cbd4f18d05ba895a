#include "engine/routing.hpp"

#include <array>
#include <string>

#include <gtest/gtest.h>

namespace verity {
namespace {

constexpr std::array<std::uint8_t, 4> secret = {1, 2, 3, 4};

TEST(routing_test, a_phone_always_gets_the_same_key) {
  EXPECT_EQ(phone_routing_key(secret, "+12015550123"), phone_routing_key(secret, "+12015550123"));
  EXPECT_NE(phone_routing_key(secret, "+12015550123"), phone_routing_key(secret, "+12015550124"));
}

TEST(routing_test, the_key_depends_on_the_secret) {
  constexpr std::array<std::uint8_t, 4> other = {4, 3, 2, 1};
  EXPECT_NE(phone_routing_key(secret, "+12015550123"), phone_routing_key(other, "+12015550123"));
}

TEST(routing_test, the_shard_is_the_key_modulo_the_shard_count) {
  EXPECT_EQ(shard_index(0, 4), 0U);
  EXPECT_EQ(shard_index(7, 4), 3U);
  EXPECT_EQ(shard_index(8, 4), 0U);
  EXPECT_EQ(shard_index(0xFFFFFFFF, 1), 0U);
  EXPECT_EQ(shard_index(0xFFFFFFFF, 1024), 1023U);
}

TEST(routing_test, phones_spread_over_every_shard) {
  std::array<int, 8> seen{};
  for (int i = 0; i < 400; ++i)
    ++seen[shard_index(phone_routing_key(secret, "+1201555" + std::to_string(1000 + i)), 8)];
  for (auto count : seen)
    EXPECT_GT(count, 0);
}

} // namespace
} // namespace verity
