#include "engine/expiring_map.hpp"

#include <string>

#include <gtest/gtest.h>

namespace verity {
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

} // namespace
} // namespace verity
