#pragma once

#include <caf/fwd.hpp>

#include "actors/actors.hpp"
#include "engine/units.hpp"

namespace verity {

/// Spawns the prefix limiter: it admits at most `limit.count` sends per number prefix in any
/// `limit.window`, across every shard, and forgets idle prefixes once per window so its memory
/// follows the active ones.
prefix_limiter_actor spawn_prefix_limiter(caf::actor_system& system, rate_limit limit);

} // namespace verity
