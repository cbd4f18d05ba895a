#include "actors/phone_actor.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/message_actor.hpp"
#include "engine/error_classification.hpp"
#include "engine/phone.hpp"

namespace verity {

namespace {

using self_pointer = phone_actor::stateful_pointer<phone_state>;
using std::chrono::milliseconds;

/// Delivers `value` through `promise` (a statement usable as `return answer(...)` in handlers
/// that must return void).
template <class Promise, class Value>
void answer(Promise& promise, Value&& value) {
  promise.deliver(std::forward<Value>(value));
}

timestamp wall_clock_now() {
  return std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now());
}

/// Stores `batch` durably, then runs `done(error)` (no error when durable).
template <class Done>
void persist(self_pointer self, write_batch batch, Done done) {
  self->request(self->state.storage, caf::infinite, atom::persist::value, std::move(batch))
    .then([done](caf::ok_atom) mutable { done(caf::error{}); },
          [self, done](caf::error& err) mutable {
            spdlog::error("phone {}: storing state failed: {}", mask_phone(self->state.phone),
                          to_string(err));
            done(std::move(err));
          });
}

/// Starts the message actor of `message`; it sends at once unless Twilio already has it, and
/// expects a delivery confirmation within `until_deadline`.
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

/// Answers every long poll on `id` whose client has not seen the current delivery state (all of
/// them when `finished`).
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

/// Asks the shard to let this actor go once nothing is live or waiting.
void maybe_passivate(self_pointer self) {
  auto& state = self->state;
  if (!state.live.empty() || !state.waiters.empty())
    return;
  self->request(state.directory, caf::infinite, atom::idle::value, state.phone,
                state.received_from_directory)
    .then([self](bool released) {
      if (released && self->state.live.empty())
        self->quit();
    });
}

/// Ends the live work of a verification that left `pending` (its record is already durable).
void finish(self_pointer self, const verification_id& id) {
  auto& state = self->state;
  auto* verification = state.find_live(id);
  if (verification == nullptr)
    return;
  notify_waiters(self, id, true);
  for (auto& actor : verification->actors)
    if (actor)
      caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  state.erase_live(id);
  maybe_passivate(self);
}

/// The batch that stores a verification with one of its messages and the phone record.
write_batch batch_of(const phone_state& state, const live_verification& verification,
                     const message_record* message) {
  write_batch batch;
  batch.verifications.push_back(verification.record);
  if (message != nullptr)
    batch.messages.push_back(*message);
  batch.phones.push_back(state.record);
  return batch;
}

/// Adds an attempt over `via`, stores it, starts its actor and, when durable, runs `done`.
template <class Done>
void send_attempt(self_pointer self, live_verification& verification, channel via,
                  bool as_template, Done done) {
  auto& state = self->state;
  if (verification.code.empty())
    state.renew_code(verification); // recovered: the old code is not known
  auto& message = state.add_attempt(verification, via, wall_clock_now());
  message.as_template = message.as_template || as_template;
  auto id = verification.record.id;
  auto message_copy = message;
  persist(self, batch_of(state, verification, &message),
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

caf::error rate_limited(milliseconds wait) {
  return caf::make_error(ec::rate_limited, static_cast<std::int64_t>(wait.count()));
}

caf::result<verification_view> on_start(self_pointer self, const verification_request& request) {
  auto& state = self->state;
  ++state.received_from_directory;
  if (state.record.opted_out)
    return caf::make_error(ec::opted_out);
  auto now = wall_clock_now();
  if (auto wait = state.send_limit_wait(now); wait.count() > 0)
    return rate_limited(wait);
  auto verification = state.make_verification(request, now, self->clock().now());
  auto via = first_channel(request.preference);
  if (request.preference == channel_preference::automatic && state.record.whatsapp_unreachable)
    via = channel::sms;
  auto id = verification.record.id;
  self->delayed_send(self, state.settings->code_ttl, atom::expire::value, id);
  auto& live = state.live.emplace_back(std::move(verification));
  auto promise = self->make_response_promise<verification_view>();
  spdlog::info("verification {} started for {} over {}", id.to_string(), mask_phone(state.phone),
               to_string(via));
  send_attempt(self, live, via, false, [self, id, promise](caf::error err) mutable {
    auto* found = self->state.find_live(id);
    if (err || found == nullptr) {
      self->state.erase_live(id);
      promise.deliver(err ? std::move(err) : caf::make_error(ec::storage_failed));
      return maybe_passivate(self);
    }
    promise.deliver(found->view());
  });
  return promise;
}

caf::result<verification_view> on_get(self_pointer self, const verification_query& query) {
  auto& state = self->state;
  ++state.received_from_directory;
  const auto* found = state.find_live(query.id);
  if (found == nullptr) {
    auto promise = self->make_response_promise<verification_view>();
    return promise.delegate(state.storage, atom::load::value, query.id);
  }
  auto view = found->view();
  if (query.wait.count() <= 0 || !query.seen || view.latest_delivery() != *query.seen)
    return view;
  auto waiter = state.next_waiter++;
  auto promise = self->make_response_promise<verification_view>();
  state.waiters.push_back(long_poll{waiter, query.id, query.seen, promise});
  self->delayed_send(self, query.wait, atom::wake::value, waiter);
  return promise;
}

caf::result<verification_view> on_resend(self_pointer self, const verification_id& id,
                                         channel via) {
  auto& state = self->state;
  ++state.received_from_directory;
  auto* found = state.find_live(id);
  if (found == nullptr)
    return caf::make_error(ec::not_found);
  if (auto wait = state.send_limit_wait(wall_clock_now()); wait.count() > 0)
    return rate_limited(wait);
  auto promise = self->make_response_promise<verification_view>();
  send_attempt(self, *found, via, false, [self, id, promise](caf::error err) mutable {
    auto* live = self->state.find_live(id);
    if (err || live == nullptr)
      return answer(promise, err ? std::move(err) : caf::make_error(ec::not_found));
    promise.deliver(live->view());
  });
  return promise;
}

/// Stores the verification after a check and answers `result` (or the error) once durable.
caf::result<check_result> store_check(self_pointer self, live_verification& verification,
                                      check_result result) {
  auto promise = self->make_response_promise<check_result>();
  auto id = verification.record.id;
  persist(self, batch_of(self->state, verification, nullptr),
          [self, id, result, promise](caf::error err) mutable {
            if (err)
              return answer(promise, std::move(err));
            if (result.status != verification_status::pending)
              finish(self, id);
            if (result.status == verification_status::max_attempts_reached)
              return answer(promise, caf::make_error(ec::max_attempts_reached));
            promise.deliver(result);
          });
  return promise;
}

caf::result<check_result> on_check(self_pointer self, const verification_id& id,
                                   const std::string& code) {
  auto& state = self->state;
  ++state.received_from_directory;
  auto* found = state.find_live(id);
  if (found == nullptr)
    return caf::make_error(ec::not_found);
  auto& record = found->record;
  auto max_checks = state.settings->max_checks;
  if (state.settings->hasher->matches(code, record.salt, record.digest)) {
    record.status = verification_status::approved;
    spdlog::info("verification {} approved", id.to_string());
    return store_check(self, *found, {record.status, true, max_checks - record.wrong_checks});
  }
  ++record.wrong_checks;
  if (record.wrong_checks >= max_checks) {
    record.status = verification_status::max_attempts_reached;
    spdlog::info("verification {} locked after {} wrong checks", id.to_string(),
                 record.wrong_checks);
  }
  return store_check(self, *found, {record.status, false, max_checks - record.wrong_checks});
}

/// Applies a callback for a message no actor holds (its verification ended): load, merge and
/// store it, one at a time for this phone (await keeps other messages waiting).
caf::result<caf::ok_atom> merge_cold(self_pointer self, const status_callback& callback) {
  auto promise = self->make_response_promise<caf::ok_atom>();
  self->request(self->state.storage, caf::infinite, atom::load::value, callback.message)
    .await(
      [self, callback, promise](message_record& message) mutable {
        if (message.twilio_sid.empty())
          message.twilio_sid = callback.twilio_sid;
        if (!message.delivery.merge({callback.status, callback.at, callback.error_code}))
          return answer(promise, caf::ok_atom::value);
        write_batch batch;
        batch.messages.push_back(std::move(message));
        self->request(self->state.storage, caf::infinite, atom::persist::value, std::move(batch))
          .await([promise](caf::ok_atom) mutable { promise.deliver(caf::ok_atom::value); },
                 [promise](caf::error& err) mutable { promise.deliver(std::move(err)); });
      },
      [self, callback, promise](caf::error& err) mutable {
        if (err == ec::not_found) {
          spdlog::warn("status callback for unknown message {} ignored",
                       callback.message.to_string());
          return answer(promise, caf::ok_atom::value);
        }
        promise.deliver(std::move(err));
      });
  return promise;
}

caf::result<caf::ok_atom> on_status(self_pointer self, const status_callback& callback) {
  auto& state = self->state;
  ++state.received_from_directory;
  auto [verification, index] = state.find_message(callback.message);
  if (verification == nullptr || index >= verification->actors.size()
      || !verification->actors[index]) {
    auto result = merge_cold(self, callback);
    maybe_passivate(self);
    return result;
  }
  auto& actor = verification->actors[index];
  auto promise = self->make_response_promise<caf::ok_atom>();
  return promise.delegate(actor, atom::status::value, callback);
}

caf::result<caf::ok_atom> on_inbound(self_pointer self, const inbound_message& message) {
  auto& state = self->state;
  ++state.received_from_directory;
  if (message.action == inbound_action::opt_out)
    state.record.opted_out = true;
  if (message.action == inbound_action::opt_in)
    state.record.opted_out = false;
  if (message.whatsapp)
    state.record.whatsapp_window_until = message.at + std::chrono::hours{24};
  write_batch batch;
  batch.phones.push_back(state.record);
  auto promise = self->make_response_promise<caf::ok_atom>();
  persist(self, std::move(batch), [self, promise](caf::error err) mutable {
    if (err)
      promise.deliver(std::move(err));
    else
      promise.deliver(caf::ok_atom::value);
    maybe_passivate(self);
  });
  return promise;
}

/// Learns what a failure says about the phone (opted out, not on WhatsApp).
void learn_from_failure(phone_state& state, const message_record& message) {
  auto reaction = classify_callback_error(message.error_code());
  if (reaction == error_reaction::opt_out)
    state.record.opted_out = true;
  if (reaction == error_reaction::fall_back && message.via == channel::whatsapp)
    state.record.whatsapp_unreachable = true;
}

void on_update(self_pointer self, const message_record& message) {
  auto& state = self->state;
  auto [found, index] = state.find_message(message.id);
  if (found == nullptr)
    return;
  auto& verification = *found;
  verification.attempts[index] = message;
  auto id = verification.record.id;
  notify_waiters(self, id, false);
  bool failed = is_failure(message.delivery.current());
  if (!failed || !verification.mark_failure_handled(index))
    return;
  learn_from_failure(state, message);
  auto ignore = [](const caf::error&) {};
  switch (state.followup_for(verification, message)) {
    case failure_followup::same_channel:
      return send_attempt(self, verification, message.via, false, ignore);
    case failure_followup::as_template:
      return send_attempt(self, verification, channel::whatsapp, true, ignore);
    case failure_followup::sms_fallback:
      verification.fell_back = true;
      spdlog::info("verification {}: WhatsApp {} ({}): falling back to SMS", id.to_string(),
                   to_string(message.delivery.current()), message.error_code());
      return send_attempt(self, verification, channel::sms, false, ignore);
    case failure_followup::nothing:
      return;
  }
}

void on_expire(self_pointer self, const verification_id& id) {
  auto* found = self->state.find_live(id);
  if (found == nullptr)
    return;
  found->record.status = verification_status::expired;
  found->record.salt = {};
  found->record.digest = {};
  spdlog::info("verification {} expired", id.to_string());
  persist(self, batch_of(self->state, *found, nullptr),
          [self, id](const caf::error&) { finish(self, id); });
}

void on_wake(self_pointer self, std::uint64_t waiter) {
  auto& state = self->state;
  auto found = std::find_if(state.waiters.begin(), state.waiters.end(),
                            [waiter](const long_poll& poll) { return poll.waiter == waiter; });
  if (found == state.waiters.end())
    return;
  if (const auto* live = state.find_live(found->id))
    found->promise.deliver(live->view());
  else
    found->promise.deliver(caf::make_error(ec::not_found));
  state.waiters.erase(found);
  maybe_passivate(self);
}

/// True for an attempt that was stored but never confirmed by Twilio before a restart.
bool never_reached_twilio(const message_record& message) {
  return message.twilio_sid.empty() && message.delivery.current() == delivery_status::created;
}

/// What is left of a recovered attempt's delivery deadline (0 if it passed while down).
milliseconds time_left_to_confirm(const phone_state& state, const message_record& message) {
  auto created = message.delivery.first_seen(delivery_status::created).value_or(wall_clock_now());
  return std::max(milliseconds{0}, created + state.settings->delivery_timeout - wall_clock_now());
}

/// Rebuilds a verification found in flight at start. Attempts Twilio already has get their
/// actors back (deadlines that passed while down fire at once); attempts it never confirmed
/// are sent again with a fresh code, since plaintext codes are never stored.
void on_recover(self_pointer self, verification_view& view) {
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

} // namespace

phone_actor::behavior_type phone_actor_behavior(self_pointer self, phone_setup setup) {
  auto& state = self->state;
  state.phone = setup.phone;
  state.record.phone = setup.phone;
  state.directory = std::move(setup.directory);
  state.egress = std::move(setup.egress);
  state.storage = std::move(setup.storage);
  state.settings = std::move(setup.settings);
  // Nothing else is handled until the phone's record (opt-out, limits) is known.
  self->request(state.storage, caf::infinite, atom::phone::value, state.phone)
    .await([self](phone_record& record) { self->state.record = std::move(record); },
           [self](caf::error& err) {
             spdlog::error("phone {}: cannot read its record: {}", mask_phone(self->state.phone),
                           to_string(err));
             self->quit(std::move(err));
           });
  return {
    [self](atom::start, const verification_request& request) { return on_start(self, request); },
    [self](atom::get, const verification_query& query) { return on_get(self, query); },
    [self](atom::resend, const verification_id& id, channel via) {
      return on_resend(self, id, via);
    },
    [self](atom::check, const verification_id& id, const std::string& code) {
      return on_check(self, id, code);
    },
    [self](atom::status, const status_callback& callback) { return on_status(self, callback); },
    [self](atom::inbound, const inbound_message& message) { return on_inbound(self, message); },
    [self](atom::update, const message_record& message) { on_update(self, message); },
    [self](atom::recover, verification_view& view) { on_recover(self, view); },
    [self](atom::expire, const verification_id& id) { on_expire(self, id); },
    [self](atom::wake, std::uint64_t waiter) { on_wake(self, waiter); },
  };
}

} // namespace verity
