#include "app/atomic_histogram.hpp"

#include <algorithm>
#include <iterator>
#include <limits>
#include <tuple>
#include <utility>

namespace verity {

atomic_histogram::atomic_histogram(std::vector<double> bounds)
  : bounds_(std::move(bounds)),
    counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {}

void atomic_histogram::observe(double value) noexcept {
  auto bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  counts_[static_cast<std::size_t>(bucket)].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

prometheus::ClientMetric
atomic_histogram::collect(const std::map<std::string, std::string>& labels) const {
  prometheus::ClientMetric metric;
  for (const auto& [name, value] : labels)
    metric.label.push_back({name, value});
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    auto bound = i < bounds_.size() ? bounds_[i] : std::numeric_limits<double>::infinity();
    metric.histogram.bucket.push_back({cumulative, bound});
  }
  metric.histogram.sample_count = cumulative;
  metric.histogram.sample_sum = sum_.load(std::memory_order_relaxed);
  return metric;
}

atomic_histogram_family::atomic_histogram_family(std::string name, std::string help,
                                                 std::vector<double> bounds)
  : name_(std::move(name)), help_(std::move(help)), bounds_(std::move(bounds)) {}

atomic_histogram& atomic_histogram_family::add(std::map<std::string, std::string> labels) {
  std::lock_guard lock{mutex_};
  return series_
    .emplace_back(std::piecewise_construct, std::forward_as_tuple(std::move(labels)),
                  std::forward_as_tuple(bounds_))
    .second;
}

prometheus::MetricFamily atomic_histogram_family::collect() const {
  prometheus::MetricFamily family{name_, help_, prometheus::MetricType::Histogram, {}};
  std::lock_guard lock{mutex_};
  for (const auto& [labels, histogram] : series_)
    family.metric.push_back(histogram.collect(labels));
  return family;
}

} // namespace verity
