#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "bench/load_report.hpp"
#include "bench/load_scenario.hpp"

namespace verity::bench {

/// How to drive one run.
struct load_plan {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  double rate = 0;          ///< Requests/s in open loop over all threads; 0: closed loop.
  unsigned connections = 32; ///< Over all threads; at least one per thread.
  unsigned threads = 1;     ///< Each with its own event loop, connections and share of the rate.
  std::chrono::nanoseconds duration = std::chrono::seconds{10};
  std::uint64_t requests = 0; ///< Stop after this many (over all threads); 0: no limit.
};

/// Runs `source` against the server as `plan` says and reports what was observed. With more
/// than one thread, `source.request` is called concurrently. Throws if the host is no address.
load_report run_load(const load_plan& plan, scenario& source, std::string scenario_name);

} // namespace verity::bench
