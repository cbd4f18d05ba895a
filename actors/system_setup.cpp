#include "actors/system_setup.hpp"

#include <algorithm>
#include <thread>

#include <caf/actor_system_config.hpp>

namespace verity::actors {

void apply_scheduler_settings(caf::actor_system_config& cfg, const scheduler_settings& settings) {
  auto workers = settings.workers;
  if (workers == 0)
    workers = std::max<std::size_t>(1, std::thread::hardware_concurrency());
  cfg.set("scheduler.max-threads", workers);
  cfg.set("scheduler.max-throughput", settings.max_throughput);
}

} // namespace verity::actors
