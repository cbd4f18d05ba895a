#include "actors/system_setup.hpp"

#include <algorithm>
#include <thread>

#include <caf/actor_system_config.hpp>

#include "actors/actors.hpp"

namespace verity::actors {

void apply_scheduler_settings(caf::actor_system_config& cfg, const scheduler_settings& settings) {
  auto workers = settings.workers;
  if (workers == 0)
    workers = std::max<std::size_t>(1, std::thread::hardware_concurrency());
  cfg.set("scheduler.max-threads", workers);
  cfg.set("scheduler.max-throughput", settings.max_throughput);
}

void add_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::verity>();
}

} // namespace verity::actors
