#include "app/atomic_histogram.hpp"

#include <cmath>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

namespace verity {
namespace {

TEST(atomic_histogram_test, values_land_in_the_first_bucket_that_holds_them) {
  atomic_histogram histogram{{1, 2, 5}};
  for (double value : {0.5, 1.0, 1.5, 5.0, 7.0})
    histogram.observe(value);

  auto metric = histogram.collect({{"channel", "sms"}});
  ASSERT_EQ(metric.histogram.bucket.size(), 4U);
  EXPECT_EQ(metric.histogram.bucket[0].cumulative_count, 2U); // le 1: 0.5, 1.0
  EXPECT_EQ(metric.histogram.bucket[1].cumulative_count, 3U); // le 2
  EXPECT_EQ(metric.histogram.bucket[2].cumulative_count, 4U); // le 5
  EXPECT_EQ(metric.histogram.bucket[3].cumulative_count, 5U);
  EXPECT_TRUE(std::isinf(metric.histogram.bucket[3].upper_bound));
  EXPECT_EQ(metric.histogram.sample_count, 5U);
  EXPECT_DOUBLE_EQ(metric.histogram.sample_sum, 15.0);
  ASSERT_EQ(metric.label.size(), 1U);
  EXPECT_EQ(metric.label[0].value, "sms");
}

TEST(atomic_histogram_test, concurrent_observers_lose_nothing) {
  constexpr int threads = 4;
  constexpr int per_thread = 50'000;
  atomic_histogram histogram{{0.5, 1}};
  std::vector<std::jthread> observers;
  for (int t = 0; t < threads; ++t)
    observers.emplace_back([&histogram] {
      for (int i = 0; i < per_thread; ++i)
        histogram.observe(i % 2 == 0 ? 0.25 : 0.75);
    });
  observers.clear(); // joins

  auto metric = histogram.collect({});
  EXPECT_EQ(metric.histogram.sample_count, std::uint64_t{threads} * per_thread);
  EXPECT_EQ(metric.histogram.bucket[0].cumulative_count, std::uint64_t{threads} * per_thread / 2);
  EXPECT_DOUBLE_EQ(metric.histogram.sample_sum, threads * per_thread * 0.5);
}

TEST(atomic_histogram_test, a_family_serialises_like_a_prometheus_histogram) {
  atomic_histogram_family family{"verity_test_seconds", "A test.", {0.1}};
  family.add({{"route", "/a"}}).observe(0.05);
  family.add({{"route", "/b"}});

  auto text = prometheus::TextSerializer{}.Serialize({family.collect()});
  EXPECT_NE(text.find("# TYPE verity_test_seconds histogram\n"), std::string::npos) << text;
  EXPECT_NE(text.find("verity_test_seconds_bucket{route=\"/a\",le=\"0.1\"} 1\n"),
            std::string::npos)
    << text;
  EXPECT_NE(text.find("verity_test_seconds_bucket{route=\"/a\",le=\"+Inf\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("verity_test_seconds_count{route=\"/b\"} 0\n"), std::string::npos);
}

} // namespace
} // namespace verity
