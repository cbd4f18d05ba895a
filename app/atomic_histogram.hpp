#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <prometheus/metric_family.h>

namespace verity {

/// A Prometheus histogram that records without a lock: one atomic count per bucket and an
/// atomic sum, so threads observing the same series never wait for each other (prometheus-cpp's
/// Histogram takes the series' mutex on every observation). Read at scrape time; a scrape that
/// races an observation may see the observation's count without its sum, never a torn bucket.
class atomic_histogram {
public:
  /// Buckets with the upper bounds `bounds` (ascending) and +Inf.
  explicit atomic_histogram(std::vector<double> bounds);

  atomic_histogram(const atomic_histogram&) = delete;
  atomic_histogram& operator=(const atomic_histogram&) = delete;

  /// Counts `value` in its bucket and adds it to the sum.
  void observe(double value) noexcept;

  /// The series with `labels`, cumulative as the exposition format wants it.
  prometheus::ClientMetric collect(const std::map<std::string, std::string>& labels) const;

private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_; ///< Per bucket, +Inf last.
  std::atomic<double> sum_{0};
};

/// A named histogram metric and its labelled series, each an `atomic_histogram`.
class atomic_histogram_family {
public:
  /// The metric `name` described by `help`; every series has the buckets `bounds`.
  atomic_histogram_family(std::string name, std::string help, std::vector<double> bounds);

  /// A new series labelled `labels`; the reference stays valid as long as the family. Takes the
  /// family's lock, as `collect` does: add series up front, never on a hot path.
  atomic_histogram& add(std::map<std::string, std::string> labels);

  /// Every series, for the text serializer.
  prometheus::MetricFamily collect() const;

private:
  std::string name_;
  std::string help_;
  std::vector<double> bounds_;
  mutable std::mutex mutex_; ///< Guards `series_` (the list, not the counts).
  std::deque<std::pair<std::map<std::string, std::string>, atomic_histogram>> series_;
};

} // namespace verity
