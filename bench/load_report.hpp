#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace verity::bench {

/// What one thread of a run observed: every answer's latency and status. Not thread-safe: each
/// thread keeps its own and they are merged at the end.
class load_recorder {
public:
  /// Records an HTTP answer with `status`, `latency` after its intended send time.
  void answer(unsigned status, std::chrono::nanoseconds latency);

  /// Records a request that got no HTTP answer (connect, write or read failed).
  void transport_error();

  /// Adds everything `other` recorded.
  void merge(load_recorder&& other);

  /// Latencies in microseconds, in arrival order (sorted by `summarize`).
  std::vector<std::uint32_t>& latencies_us() { return latencies_us_; }

  /// Answers by HTTP status.
  const std::map<unsigned, std::uint64_t>& statuses() const { return statuses_; }

  /// Requests without an HTTP answer.
  std::uint64_t transport_errors() const { return transport_errors_; }

private:
  std::vector<std::uint32_t> latencies_us_;
  std::map<unsigned, std::uint64_t> statuses_;
  std::uint64_t transport_errors_ = 0;
};

/// How a run was driven, reported alongside its figures.
struct run_description {
  std::string scenario;
  std::string target;
  double rate = 0; ///< Requests/s asked for in open loop; 0 in closed loop.
  unsigned connections = 0;
  unsigned threads = 0;
};

/// The figures of one run.
struct load_report {
  run_description run;
  double elapsed_s = 0;          ///< From the first intended send to the last answer.
  std::uint64_t answered = 0;    ///< HTTP answers of any status.
  std::uint64_t acknowledged = 0; ///< 2xx answers.
  std::uint64_t transport_errors = 0;
  std::uint64_t missed = 0;      ///< Open loop: sends due before the end but never started.
  double acknowledged_per_s = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0; ///< Of every answer.
  std::map<unsigned, std::uint64_t> statuses;
};

/// Summarizes a run's recorder (sorting its latencies) over `elapsed`.
load_report summarize(run_description run, load_recorder& recorder,
                      std::chrono::nanoseconds elapsed, std::uint64_t missed);

/// The report as JSON (field names as in `load_report`, statuses keyed by code).
nlohmann::json to_json(const load_report& report);

/// The report as a few lines for a person.
std::string to_text(const load_report& report);

} // namespace verity::bench
