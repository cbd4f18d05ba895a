#include "actors/prefix_limiter.hpp"

#include <string>

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "engine/rate_limit.hpp"

namespace verity {

namespace {

/// One sliding-window counter per active prefix.
struct prefix_limiter_state {
  static inline const char* name = "prefix-limiter";

  keyed_rate_limiter<std::string> counters{1, std::chrono::milliseconds{1}};
  std::chrono::milliseconds window{1};
};

prefix_limiter_actor::behavior_type
prefix_limiter_behavior(prefix_limiter_actor::stateful_pointer<prefix_limiter_state> self,
                        rate_limit limit) {
  self->state.counters = keyed_rate_limiter<std::string>{limit.count, limit.window};
  self->state.window = limit.window;
  self->delayed_send(self, limit.window, atom::purge::value);
  return {
    [self](atom::acquire, const std::string& prefix) -> std::int64_t {
      auto decision = self->state.counters.try_acquire(prefix, self->clock().now());
      if (decision.allowed)
        return 0;
      spdlog::warn("send to prefix {} refused: prefix limit reached (possible SMS pumping)",
                   prefix);
      return decision.retry_after.count();
    },
    [self](atom::purge) {
      self->state.counters.purge(self->clock().now());
      self->delayed_send(self, self->state.window, atom::purge::value);
    },
  };
}

} // namespace

prefix_limiter_actor spawn_prefix_limiter(caf::actor_system& system, rate_limit limit) {
  return system.spawn(prefix_limiter_behavior, limit);
}

} // namespace verity
