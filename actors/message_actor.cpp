#include "actors/message_actor.hpp"

#include <utility>

#include <caf/event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "engine/clock.hpp"
#include "engine/error_classification.hpp"
#include "engine/message_text.hpp"
#include "engine/metrics.hpp"
#include "engine/phone.hpp"

namespace verity {

namespace {

using namespace std::chrono_literals;
using self_pointer = message_actor::stateful_pointer<message_state>;

/// Time allowed for the Twilio client to answer one create request (it has its own timeouts).
constexpr auto egress_answer_timeout = 60s;

/// Where this message's events are counted (null: nowhere).
metrics* recorder_of(self_pointer self) {
  return self->state.setup.settings->recorder;
}

/// Why a create request that `result` answered is worth retrying.
retry_class retry_class_of(const create_result& result) {
  if (result.http_status == 0)
    return retry_class::transport;
  return result.http_status >= 500 ? retry_class::server : retry_class::throttled;
}

/// Counts a write of the record as answered; once none is under way, acknowledges the
/// callbacks that waited for it (with `err` when the last write failed).
void write_answered(self_pointer self, const caf::error& err) {
  auto& state = self->state;
  if (--state.persisting > 0)
    return;
  for (auto& promise : state.awaiting_durable) {
    if (err)
      promise.deliver(err);
    else
      promise.deliver(caf::ok_atom::value);
  }
  state.awaiting_durable.clear();
}

/// Stores the record durably (as the successor of the version written before), then tells the
/// phone actor and runs `after(error)` (no error when it is durable).
template <class After>
void persist_and_report(self_pointer self, After after) {
  auto& setup = self->state.setup;
  write_batch batch;
  batch.messages.push_back({setup.record, std::exchange(self->state.written, setup.record)});
  ++self->state.persisting;
  self->request(setup.storage, caf::infinite, atom::persist::value, std::move(batch))
    .then(
      [self, after](caf::ok_atom) mutable {
        self->send(self->state.setup.parent, atom::update::value, self->state.setup.record);
        after(caf::error{});
        write_answered(self, caf::error{});
      },
      [self, after](caf::error& err) mutable {
        spdlog::error("message {}: storing its state failed: {}",
                      self->state.setup.record.id.to_string(), to_string(err));
        write_answered(self, err);
        after(std::move(err));
      });
}

/// Marks the message failed with Twilio's `code` (a create request that cannot succeed).
void fail(self_pointer self, std::uint32_t code) {
  auto& record = self->state.setup.record;
  record.create_error = code;
  self->state.merge({delivery_status::failed, wall_clock_now(), code});
  spdlog::info("message {} to {} failed: Twilio error {}", record.id.to_string(),
               mask_phone(record.to), code);
  persist_and_report(self, [](const caf::error&) {});
}

void send_create(self_pointer self);

/// Plans a retry within the code's lifetime, or fails the message when none fits.
void retry_later(self_pointer self, const create_result& result) {
  auto& state = self->state;
  auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
    state.setup.code_deadline - self->clock().now());
  std::uniform_real_distribution<double> unit{0.0, 1.0};
  auto delay = state.retries + 1 < state.setup.settings->max_attempts_per_channel
                 ? state.setup.settings->retry.next_delay(state.retries, remaining,
                                                          unit(state.jitter), result.retry_after)
                 : std::nullopt;
  if (!delay)
    return fail(self, result.error_code);
  ++state.retries;
  state.retry_reason = retry_class_of(result);
  spdlog::debug("message {}: retry {} in {} ms (HTTP {}, Twilio {})",
                state.setup.record.id.to_string(), state.retries, delay->count(),
                result.http_status, result.error_code);
  self->delayed_send(self, *delay, atom::retry::value);
}

void on_created(self_pointer self, const create_result& result) {
  auto& state = self->state;
  state.awaiting_create = false;
  if (result.withdrawn)
    return; // withdrawn at the deadline: the deadline's handler reports it
  if (result.created()) {
    state.setup.record.twilio_sid = result.sid;
    if (auto* recorder = recorder_of(self))
      recorder->message_sent(state.setup.record.via);
    state.merge({result.status, wall_clock_now(), 0});
    return persist_and_report(self, [](const caf::error&) {});
  }
  switch (classify_create_error(result.http_status, result.error_code)) {
    case error_reaction::retry:
      return retry_later(self, result);
    case error_reaction::resend_as_template:
      if (state.setup.settings->whatsapp_template && !state.setup.record.as_template) {
        state.setup.record.as_template = true;
        return send_create(self);
      }
      return fail(self, result.error_code);
    default:
      return fail(self, result.error_code);
  }
}

void send_create(self_pointer self) {
  auto& record = self->state.setup.record;
  ++record.tries;
  self->state.awaiting_create = true;
  self->request(self->state.setup.egress, egress_answer_timeout, atom::create::value,
                self->state.outbound())
    .then([self](create_result& result) { on_created(self, result); },
          [self](caf::error& err) {
            create_result transport_failure;
            transport_failure.error_message = to_string(err);
            on_created(self, transport_failure);
          });
}

/// Sends the create again after a failed attempt, unless a status callback has since shown
/// that Twilio has the message: a create whose answer was lost (a timeout, a connection cut
/// after the request left) may have gone through, and sending it again would reach the user
/// twice.
void on_retry(self_pointer self) {
  const auto& record = self->state.setup.record;
  if (!record.twilio_sid.empty()) {
    spdlog::info("message {} to {}: Twilio reported {} after its create seemed lost; not sent "
                 "again",
                 record.id.to_string(), mask_phone(record.to), record.twilio_sid);
    return;
  }
  if (auto* recorder = recorder_of(self))
    recorder->retry(self->state.retry_reason);
  send_create(self);
}

/// Marks the message timed out (never sent, for `not_sent` other than none) and reports it.
void time_out(self_pointer self, not_sent_reason not_sent) {
  auto& record = self->state.setup.record;
  if (!is_pending(record.delivery.current()))
    return; // an outcome came while egress answered
  if (not_sent != not_sent_reason::none)
    spdlog::info("message {} to {}: not sent by its deadline, held in the egress queue ({})",
                 record.id.to_string(), mask_phone(record.to), to_string(not_sent));
  else
    spdlog::info("message {} to {}: no delivery confirmation by the deadline",
                 record.id.to_string(), mask_phone(record.to));
  if (auto* recorder = recorder_of(self)) {
    recorder->deadline_expired(record.via);
    if (not_sent != not_sent_reason::none)
      recorder->not_sent(record.via, not_sent);
  }
  record.not_sent = not_sent;
  self->state.merge({delivery_status::timed_out, wall_clock_now(), 0});
  persist_and_report(self, [](const caf::error&) {});
}

/// The deadline passed: a create still with egress may wait in its queue (the sender's pace),
/// so it is withdrawn first; one withdrawn is never sent later, and says so: the client has
/// been told it timed out, and the follow-up (the SMS fallback, or the client's resend) may
/// already be on its way, so a late send would only reach the user twice.
void on_deadline(self_pointer self) {
  if (!is_pending(self->state.setup.record.delivery.current()))
    return; // delivered, or already failed: nothing to time out
  if (!self->state.awaiting_create)
    return time_out(self, not_sent_reason::none);
  self->request(self->state.setup.egress, egress_answer_timeout, atom::withdraw::value,
                self->state.setup.record.id)
    .then([self](not_sent_reason held) { time_out(self, held); },
          [self](const caf::error&) { time_out(self, not_sent_reason::none); });
}

/// Its verification ended: a create still waiting in egress is withdrawn (never sent).
void on_cancel(self_pointer self) {
  if (self->state.awaiting_create)
    caf::anon_send(self->state.setup.egress, atom::withdraw::value, self->state.setup.record.id);
  self->quit();
}

caf::result<caf::ok_atom> on_status(self_pointer self, const status_callback& callback) {
  auto& record = self->state.setup.record;
  bool changed = false;
  if (record.twilio_sid.empty() && !callback.twilio_sid.empty()) {
    record.twilio_sid = callback.twilio_sid; // the callback beat the create response
    changed = true;
  }
  bool seen = record.delivery.first_seen(callback.status).has_value();
  changed |= self->state.merge({callback.status, callback.at, callback.error_code});
  if (auto* recorder = recorder_of(self)) {
    recorder->callback(changed ? callback_result::accepted
                               : seen ? callback_result::duplicate : callback_result::stale);
    if (changed)
      recorder->twilio_error(callback.error_code);
  }
  if (!changed && self->state.persisting == 0)
    return caf::ok_atom::value; // a duplicate or stale callback: nothing to store
  auto promise = self->make_response_promise<caf::ok_atom>();
  if (!changed) { // what it repeats is still on its way to disk
    self->state.awaiting_durable.push_back(promise);
    return promise;
  }
  persist_and_report(self, [promise](caf::error err) mutable {
    if (err)
      promise.deliver(std::move(err));
    else
      promise.deliver(caf::ok_atom::value);
  });
  return promise;
}

} // namespace

outbound_message message_state::outbound() const {
  return {setup.record.id, setup.record.via, setup.record.to,
          code_message_text(setup.record.via, setup.settings->brand, setup.code,
                            setup.settings->code_ttl),
          setup.record.as_template,
          setup.code};
}

bool message_state::merge(const status_event& event) {
  auto& delivery = setup.record.delivery;
  auto* recorder = setup.settings->recorder;
  if (recorder == nullptr)
    return delivery.merge(event);
  auto before = delivery;
  if (!delivery.merge(event))
    return false;
  recorder->delivery_changed(setup.record.via, before, delivery);
  return true;
}

message_actor::behavior_type message_actor_behavior(self_pointer self, message_setup setup) {
  self->state.setup = std::move(setup);
  self->state.written = self->state.setup.record;
  if (auto* recorder = recorder_of(self)) {
    recorder->actor_started(actor_kind::message);
    self->attach_functor([recorder] { recorder->actor_stopped(actor_kind::message); });
  }
  auto until_deadline = self->state.setup.delivery_deadline - self->clock().now();
  self->delayed_send(self, std::max(until_deadline, caf::actor_clock::duration_type::zero()),
                     atom::deadline::value);
  if (self->state.setup.send_now)
    self->send(self, atom::send::value);
  return {
    [self](atom::status, const status_callback& callback) { return on_status(self, callback); },
    [self](atom::send) { send_create(self); },
    [self](atom::deadline) { on_deadline(self); },
    [self](atom::retry) { on_retry(self); },
    [self](atom::cancel) { on_cancel(self); },
  };
}

} // namespace verity
