#include "actors/send_guard_actor.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_set>

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "engine/clock.hpp"
#include "engine/phone.hpp"
#include "engine/units.hpp"

namespace verity {

namespace {

/// The guard's counters, and which countries were already reported over their limit in the
/// current purge period.
struct send_guard_state {
  static inline const char* name = "send-guard";

  std::optional<send_guard> guard; ///< Set when the behavior starts.
  send_guard_limits limits;
  std::unordered_set<std::string> countries_reported;
};

using self_pointer = send_guard_actor::stateful_pointer<send_guard_state>;

/// Logs what an on-call engineer must know about a refusal, once per event.
void report_refusal(self_pointer self, const std::string& e164, const send_verdict& verdict) {
  auto& state = self->state;
  if (verdict.refusal == send_refusal::prefix_limit) {
    spdlog::warn("prefix {} went over {} sends: circuit breaker open for {}, every send to it "
                 "refused (possible SMS pumping)",
                 number_prefix(e164), format_rate(state.limits.prefix),
                 format_duration(state.limits.cooldown));
  } else if (verdict.refusal == send_refusal::country_limit) {
    auto country = country_prefix(e164);
    if (state.countries_reported.insert(country).second)
      spdlog::warn("country code {} went over {} sends: sends to it refused until the window "
                   "slides (possible SMS pumping)",
                   country, format_rate(state.limits.country));
  }
}

/// Counts again the `past` sends that a window still covers, each at the point of the actor's
/// clock that is as long ago as the send (clamped to the clock's epoch), without logging what
/// it refuses: the counters and breakers stand as they would had the engine not restarted.
void replay(self_pointer self, const std::vector<past_send>& past) {
  auto& state = self->state;
  auto window = std::max(state.limits.prefix.window, state.limits.country.window);
  auto clock_now = self->clock().now();
  auto wall_now = wall_clock_now();
  std::size_t counted = 0;
  for (const auto& send : past) {
    auto age = std::max(std::chrono::milliseconds{0}, wall_now - send.at);
    if (age >= window)
      continue;
    state.guard->try_acquire(send.to, std::max(clock_now - age, decltype(clock_now){}));
    ++counted;
  }
  if (counted > 0)
    spdlog::info("send guard: counted {} sends made before the start", counted);
}

send_guard_actor::behavior_type send_guard_behavior(self_pointer self, send_guard_limits limits,
                                                    std::vector<past_send> past) {
  self->state.guard.emplace(limits);
  self->state.limits = limits;
  replay(self, past);
  self->delayed_send(self, limits.prefix.window, atom::purge::value);
  return {
    [self](atom::acquire, const std::string& e164) -> std::int64_t {
      auto verdict = self->state.guard->try_acquire(e164, self->clock().now());
      if (verdict.allowed())
        return 0;
      report_refusal(self, e164, verdict);
      return verdict.retry_after.count();
    },
    [self](atom::purge) {
      self->state.guard->purge(self->clock().now());
      self->state.countries_reported.clear();
      self->delayed_send(self, self->state.limits.prefix.window, atom::purge::value);
    },
  };
}

} // namespace

send_guard_actor spawn_send_guard(caf::actor_system& system, send_guard_limits limits,
                                  std::vector<past_send> past) {
  return system.spawn(send_guard_behavior, limits, std::move(past));
}

} // namespace verity
