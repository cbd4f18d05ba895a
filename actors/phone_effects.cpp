#include "actors/phone_effects.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/message_actor.hpp"
#include "engine/error_classification.hpp"
#include "engine/metrics.hpp"
#include "engine/phone.hpp"

namespace verity::phone_effects {

using std::chrono::milliseconds;

void persist(self_pointer self, write_batch batch, done_handler done) {
  ++self->state.persisting;
  self->request(self->state.storage, caf::infinite, atom::persist::value, std::move(batch))
    .then(
      [self, done](caf::ok_atom) mutable {
        --self->state.persisting;
        done(caf::error{});
      },
      [self, done](caf::error& err) mutable {
        --self->state.persisting;
        spdlog::error("phone {}: storing state failed: {}", mask_phone(self->state.phone),
                      to_string(err));
        done(std::move(err));
      });
}

void spawn_message(self_pointer self, live_verification& verification,
                   const message_record& message, bool send_now, milliseconds until_deadline) {
  auto& state = self->state;
  message_setup setup{message,
                      verification.code,
                      caf::actor_cast<phone_actor>(self),
                      state.egress,
                      state.storage,
                      state.settings,
                      verification.code_deadline,
                      self->clock().now() + until_deadline,
                      send_now};
  auto index = verification.attempt_index(message.id).value_or(verification.attempts.size());
  if (verification.actors.size() <= index)
    verification.actors.resize(index + 1);
  verification.actors[index] = self->spawn(message_actor_behavior, std::move(setup));
}

void notify_waiters(self_pointer self, const verification_id& id, bool finished) {
  auto& state = self->state;
  const auto* verification = state.find_live(id);
  if (verification == nullptr)
    return;
  auto latest = verification->view().latest_delivery();
  std::erase_if(state.waiters, [&](long_poll& waiter) {
    if (waiter.id != id || (!finished && waiter.seen && *waiter.seen == latest))
      return false;
    waiter.promise.deliver(verification->view());
    return true;
  });
}

void maybe_passivate(self_pointer self) {
  auto& state = self->state;
  if (!state.live.empty() || !state.waiters.empty() || state.awaiting_send_guard > 0
      || state.persisting > 0 || state.reading > 0)
    return;
  auto seen = state.forwards_seen;
  self->request(state.directory, caf::infinite, atom::idle::value, state.phone, seen)
    .then([self, seen](std::uint64_t forwarded) {
      if (forwarded == seen) { // released: the shard forgot this actor
        if (self->state.live.empty())
          self->quit();
        return;
      }
      // The shard forwarded more, and those messages came before its answer: handled by now.
      self->state.forwards_seen = forwarded;
      maybe_passivate(self);
    });
}

void finish(self_pointer self, const verification_id& id) {
  auto& state = self->state;
  auto* verification = state.find_live(id);
  if (verification == nullptr)
    return;
  if (auto* recorder = state.settings->recorder)
    recorder->verification_finished(verification->record.status);
  notify_waiters(self, id, true);
  for (auto& actor : verification->actors)
    if (actor)
      self->send(actor, atom::cancel::value); // drops a send still waiting in egress
  state.erase_live(id);
  maybe_passivate(self);
}

void acquire_send_slot(self_pointer self, std::function<void(milliseconds)> then) {
  auto& state = self->state;
  if (!state.send_guard)
    return then(milliseconds{0});
  ++state.awaiting_send_guard;
  self->request(state.send_guard, caf::infinite, atom::acquire::value, state.phone)
    .then(
      [self, then](std::int64_t wait) {
        --self->state.awaiting_send_guard;
        then(milliseconds{wait});
      },
      [self, then](caf::error& err) {
        --self->state.awaiting_send_guard;
        spdlog::error("send guard unavailable ({}): sending without it", to_string(err));
        then(milliseconds{0});
      });
}

write_batch batch_of(const phone_state& state, const live_verification& verification,
                     const message_record* message) {
  write_batch batch;
  batch.verifications.push_back(verification.record);
  if (message != nullptr)
    batch.messages.push_back({*message, std::nullopt});
  batch.phones.push_back(state.record);
  return batch;
}

void send_attempt(self_pointer self, live_verification& verification, channel via,
                  bool as_template, done_handler done, std::optional<idempotency_record> key) {
  auto& state = self->state;
  if (verification.code.empty())
    state.renew_code(verification); // recovered: the old code is not known
  auto& message = state.add_attempt(verification, via, wall_clock_now());
  message.as_template = message.as_template || as_template;
  auto id = verification.record.id;
  auto message_copy = message;
  auto batch = batch_of(state, verification, &message);
  if (key)
    batch.answers.push_back(std::move(*key));
  persist(self, std::move(batch),
          [self, id, message_copy, done](caf::error err) mutable {
            auto* found = self->state.find_live(id);
            if (!err && found != nullptr) {
              spawn_message(self, *found, message_copy, true,
                            self->state.settings->delivery_timeout);
              notify_waiters(self, id, false);
            }
            done(std::move(err));
          });
}

namespace {

/// Stores an attempt over `via` that the send limits refused, so the verification shows why
/// no message went out; waiting long polls see it once durable.
void refuse_attempt(self_pointer self, live_verification& verification, channel via) {
  auto& state = self->state;
  auto& message = state.add_refused_attempt(verification, via, wall_clock_now());
  spdlog::warn("verification {}: {} to {} refused by the send limits, not sent",
               verification.record.id.to_string(), to_string(via), mask_phone(state.phone));
  if (auto* recorder = state.settings->recorder)
    recorder->not_sent(via, not_sent_reason::send_limit);
  auto id = verification.record.id;
  persist(self, batch_of(state, verification, &message),
          [self, id](const caf::error&) { notify_waiters(self, id, false); });
}

/// Learns what a failure says about the phone (opted out, not on WhatsApp).
void learn_from_failure(phone_state& state, const message_record& message) {
  if (classify_callback_error(message.error_code()) == error_reaction::opt_out)
    state.record.opted_out = true;
}

} // namespace

void send_guarded(self_pointer self, const verification_id& id, channel via, bool as_template) {
  acquire_send_slot(self, [self, id, via, as_template](milliseconds wait) {
    auto* found = self->state.find_live(id);
    if (found == nullptr || found->record.status != verification_status::pending)
      return; // ended while the guard answered
    if (wait.count() == 0)
      wait = self->state.send_limit_wait(wall_clock_now());
    if (wait.count() > 0)
      return refuse_attempt(self, *found, via);
    send_attempt(self, *found, via, as_template, [](const caf::error&) {});
  });
}

void act_on_failure(self_pointer self, live_verification& verification, std::size_t index) {
  auto& state = self->state;
  const auto& message = verification.attempts[index];
  bool pending = verification.record.status == verification_status::pending;
  if (!is_failure(message.delivery.current()) || !pending
      || !verification.mark_failure_handled(index))
    return;
  learn_from_failure(state, message);
  auto id = verification.record.id;
  auto via = message.via;
  switch (state.followup_for(verification, message)) {
    case failure_followup::same_channel:
      return send_guarded(self, id, via, false);
    case failure_followup::as_template:
      return send_guarded(self, id, channel::whatsapp, true);
    case failure_followup::sms_fallback:
      verification.fell_back = true;
      if (auto* recorder = state.settings->recorder)
        recorder->fallback(message.delivery.current());
      spdlog::info("verification {}: WhatsApp {} ({}): falling back to SMS", id.to_string(),
                   to_string(message.delivery.current()), message.error_code());
      return send_guarded(self, id, channel::sms, false);
    case failure_followup::nothing:
      return;
  }
}

} // namespace verity::phone_effects
