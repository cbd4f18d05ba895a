#include "actors/phone_effects.hpp"

#include <algorithm>

#include <caf/event_based_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "engine/metrics.hpp"

namespace verity::phone_effects {

namespace {

using std::chrono::milliseconds;

/// True for an attempt that was stored but never confirmed by Twilio before a restart.
bool never_reached_twilio(const message_record& message) {
  return message.twilio_sid.empty() && message.delivery.current() == delivery_status::created;
}

/// What is left of a recovered attempt's delivery deadline (0 if it passed while down).
milliseconds time_left_to_confirm(const phone_state& state, const message_record& message) {
  auto created = message.delivery.first_seen(delivery_status::created).value_or(wall_clock_now());
  return std::max(milliseconds{0}, created + state.settings->delivery_timeout - wall_clock_now());
}

} // namespace

void recover(self_pointer self, verification_view& view) {
  auto& state = self->state;
  auto id = view.verification.id;
  auto remaining = std::max(milliseconds{0}, view.verification.expires_at - wall_clock_now());
  live_verification verification;
  verification.record = std::move(view.verification);
  verification.attempts = std::move(view.attempts);
  verification.code_deadline = self->clock().now() + remaining;
  self->delayed_send(self, remaining, atom::expire::value, id);
  auto& live = state.live.emplace_back(std::move(verification));
  // Every attempt gets its actor back without sending: one that did reach Twilio after all
  // still merges its callbacks, and one that did not times out at its deadline.
  for (const auto& attempt : live.attempts)
    spawn_message(self, live, attempt, false, time_left_to_confirm(state, attempt));
  live.restore_followups();
  if (live.attempts.empty())
    return;
  if (!never_reached_twilio(live.attempts.back()))
    return act_on_failure(self, live, live.attempts.size() - 1); // no-op unless it failed
  // The latest attempt may never have left: a new attempt carries a fresh code (the old one
  // was never stored, so it cannot be sent again), and the old code stops matching.
  const auto& latest = live.attempts.back();
  spdlog::info("verification {} recovered: resending with a fresh code", id.to_string());
  if (auto* recorder = state.settings->recorder)
    recorder->recovery_resend(latest.via);
  send_guarded(self, id, latest.via, latest.as_template);
}

} // namespace verity::phone_effects
