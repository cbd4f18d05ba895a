#pragma once

#include <vector>

#include <caf/fwd.hpp>

#include "actors/actors.hpp"
#include "engine/send_guard.hpp"

namespace verity {

/// Spawns the send guard: one actor for every shard, so the per-prefix and per-country limits
/// and the prefix circuit breakers hold across the whole engine. It logs once when a breaker
/// opens and once per window when a country goes over its limit (not on every refusal, which
/// under a pumping run would flood the log), and forgets idle counters once per prefix window.
/// It starts by counting `past` (the sends stored before a restart, oldest first) at the times
/// they were made, so a restart does not reset the limits.
send_guard_actor spawn_send_guard(caf::actor_system& system, send_guard_limits limits,
                                  std::vector<past_send> past = {});

} // namespace verity
