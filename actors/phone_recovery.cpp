#include "actors/phone_effects.hpp"

#include <algorithm>

#include <caf/event_based_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

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
  ++state.received_from_directory;
  auto id = view.verification.id;
  auto remaining = std::max(milliseconds{0}, view.verification.expires_at - wall_clock_now());
  live_verification verification;
  verification.record = std::move(view.verification);
  verification.attempts = std::move(view.attempts);
  verification.code_deadline = self->clock().now() + remaining;
  self->delayed_send(self, remaining, atom::expire::value, id);
  auto& live = state.live.emplace_back(std::move(verification));
  bool resend = std::any_of(live.attempts.begin(), live.attempts.end(), never_reached_twilio);
  if (!resend) {
    for (const auto& attempt : live.attempts)
      spawn_message(self, live, attempt, false, time_left_to_confirm(state, attempt));
    return;
  }
  state.renew_code(live);
  spdlog::info("verification {} recovered: resending with a fresh code", id.to_string());
  persist(self, batch_of(state, live, nullptr), [self, id](const caf::error& err) {
    auto* found = self->state.find_live(id);
    if (err || found == nullptr)
      return;
    for (const auto& attempt : found->attempts) {
      auto resend_now = never_reached_twilio(attempt);
      spawn_message(self, *found, attempt, resend_now,
                    resend_now ? self->state.settings->delivery_timeout
                               : time_left_to_confirm(self->state, attempt));
    }
  });
}

} // namespace verity::phone_effects
