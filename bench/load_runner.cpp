#include "bench/load_runner.hpp"

#include <algorithm>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>

#include "bench/load_connection.hpp"
#include "bench/load_pacing.hpp"

namespace verity::bench {

namespace {

namespace asio = boost::asio;

/// One load thread's share of a run.
struct load_thread {
  asio::io_context io{1};
  send_schedule schedule;
  load_recorder recorder;

  load_thread(const load_plan& plan, unsigned index, load_clock::time_point start)
    : schedule(start, start + plan.duration, plan.rate / plan.threads,
               share(plan.requests, plan.threads, index), index, plan.threads) {}

  /// Thread `index`'s part of `total` things split over `threads` (0 stays 0: no limit).
  static std::uint64_t share(std::uint64_t total, unsigned threads, unsigned index) {
    if (total == 0)
      return 0;
    return total / threads + (index < total % threads ? 1 : 0);
  }
};

} // namespace

load_report run_load(const load_plan& plan, scenario& source, std::string scenario_name) {
  auto threads = std::max(1u, plan.threads);
  auto connections = std::max(plan.connections, threads);
  auto effective = plan;
  effective.threads = threads;
  asio::ip::tcp::endpoint server{asio::ip::make_address(plan.host), plan.port};
  auto start = load_clock::now();
  std::vector<std::unique_ptr<load_thread>> parts;
  for (unsigned i = 0; i < threads; ++i) {
    parts.push_back(std::make_unique<load_thread>(effective, i, start));
    auto& part = *parts.back();
    connection_context context{server, plan.host + ":" + std::to_string(plan.port),
                               &part.schedule, &part.recorder, &source};
    for (auto c = i; c < connections; c += threads)
      start_connection(part.io, context);
  }
  {
    std::vector<std::jthread> running;
    for (auto& part : parts)
      running.emplace_back([&io = part->io] { io.run(); });
  }
  auto finished = load_clock::now();
  load_recorder merged;
  std::uint64_t missed = 0;
  for (auto& part : parts) {
    merged.merge(std::move(part->recorder));
    missed += part->schedule.missed(finished);
  }
  run_description run{std::move(scenario_name), plan.host + ":" + std::to_string(plan.port),
                      plan.rate, connections, threads};
  return summarize(std::move(run), merged, finished - start, missed);
}

} // namespace verity::bench
