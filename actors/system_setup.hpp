#pragma once

#include <cstddef>

namespace caf {
class actor_system_config;
} // namespace caf

namespace verity::actors {

/// How the CAF scheduler runs Verity's actors.
struct scheduler_settings {
  std::size_t workers = 0;          ///< Worker threads; 0 means one per hardware thread.
  std::size_t max_throughput = 300; ///< Messages an actor handles before yielding its worker.
};

/// Applies `settings` to a CAF configuration: worker count (hardware threads by default, not
/// CAF's minimum of four) and a bounded throughput per actor for fairness.
void apply_scheduler_settings(caf::actor_system_config& cfg, const scheduler_settings& settings);

/// Registers every message type of Verity's type ID block (actors/actors.hpp) with `cfg`, so the
/// actor system can serialize them.
void add_message_types(caf::actor_system_config& cfg);

} // namespace verity::actors
