#include "bench/load_report.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace verity::bench {

namespace {

/// The `q` quantile (0..1) of sorted microsecond latencies, in milliseconds (nearest rank).
double quantile_ms(const std::vector<std::uint32_t>& sorted, double q) {
  if (sorted.empty())
    return 0;
  auto rank = static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(rank, sorted.size() - 1)] / 1000.0;
}

} // namespace

void load_recorder::answer(unsigned status, std::chrono::nanoseconds latency) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(latency).count();
  auto clamped = std::clamp<std::int64_t>(us, 0, std::numeric_limits<std::uint32_t>::max());
  latencies_us_.push_back(static_cast<std::uint32_t>(clamped));
  ++statuses_[status];
}

void load_recorder::transport_error() {
  ++transport_errors_;
}

void load_recorder::merge(load_recorder&& other) {
  latencies_us_.insert(latencies_us_.end(), other.latencies_us_.begin(),
                       other.latencies_us_.end());
  for (auto [status, count] : other.statuses_)
    statuses_[status] += count;
  transport_errors_ += other.transport_errors_;
}

load_report summarize(run_description run, load_recorder& recorder,
                      std::chrono::nanoseconds elapsed, std::uint64_t missed) {
  load_report report;
  report.run = std::move(run);
  report.elapsed_s = std::chrono::duration<double>(elapsed).count();
  auto& latencies = recorder.latencies_us();
  std::sort(latencies.begin(), latencies.end());
  report.answered = latencies.size();
  for (auto [status, count] : recorder.statuses())
    if (status >= 200 && status < 300)
      report.acknowledged += count;
  report.transport_errors = recorder.transport_errors();
  report.missed = missed;
  if (report.elapsed_s > 0)
    report.acknowledged_per_s = static_cast<double>(report.acknowledged) / report.elapsed_s;
  report.p50_ms = quantile_ms(latencies, 0.50);
  report.p90_ms = quantile_ms(latencies, 0.90);
  report.p99_ms = quantile_ms(latencies, 0.99);
  report.p999_ms = quantile_ms(latencies, 0.999);
  report.max_ms = latencies.empty() ? 0 : latencies.back() / 1000.0;
  report.statuses = recorder.statuses();
  return report;
}

nlohmann::json to_json(const load_report& report) {
  nlohmann::json statuses = nlohmann::json::object();
  for (auto [status, count] : report.statuses)
    statuses[std::to_string(status)] = count;
  return {{"scenario", report.run.scenario},
          {"target", report.run.target},
          {"mode", report.run.rate > 0 ? "open" : "closed"},
          {"rate", report.run.rate},
          {"connections", report.run.connections},
          {"threads", report.run.threads},
          {"elapsed_s", report.elapsed_s},
          {"answered", report.answered},
          {"acknowledged", report.acknowledged},
          {"acknowledged_per_s", report.acknowledged_per_s},
          {"transport_errors", report.transport_errors},
          {"missed", report.missed},
          {"p50_ms", report.p50_ms},
          {"p90_ms", report.p90_ms},
          {"p99_ms", report.p99_ms},
          {"p999_ms", report.p999_ms},
          {"max_ms", report.max_ms},
          {"statuses", statuses}};
}

std::string to_text(const load_report& report) {
  std::string statuses;
  for (auto [status, count] : report.statuses)
    statuses += fmt::format(" {}:{}", status, count);
  auto mode = report.run.rate > 0 ? fmt::format("open loop at {:.0f}/s", report.run.rate)
                                  : std::string{"closed loop"};
  return fmt::format(
    "{} against {} ({}, {} connections, {} threads)\n"
    "  {:.0f} acknowledged/s: {} of {} answered in {:.2f} s; {} transport errors, {} missed\n"
    "  latency ms: p50 {:.3f}  p90 {:.3f}  p99 {:.3f}  p99.9 {:.3f}  max {:.3f}\n"
    "  statuses:{}\n",
    report.run.scenario, report.run.target, mode, report.run.connections, report.run.threads,
    report.acknowledged_per_s, report.acknowledged, report.answered, report.elapsed_s,
    report.transport_errors, report.missed, report.p50_ms, report.p90_ms, report.p99_ms,
    report.p999_ms, report.max_ms, statuses.empty() ? std::string{" none"} : statuses);
}

} // namespace verity::bench
