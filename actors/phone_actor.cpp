#include "actors/phone_actor.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/country_channel_stats.hpp"
#include "actors/ended_verification.hpp"
#include "actors/phone_effects.hpp"
#include "engine/error_classification.hpp"
#include "engine/metrics.hpp"
#include "engine/phone.hpp"

namespace verity {

namespace {

using namespace phone_effects;
using std::chrono::milliseconds;

/// Delivers `value` through `promise` (a statement usable as `return answer(...)` in handlers
/// that must return void).
template <class Promise, class Value>
void answer(Promise& promise, Value&& value) {
  promise.deliver(std::forward<Value>(value));
}

caf::error rate_limited(milliseconds wait) {
  return caf::make_error(ec::rate_limited, static_cast<std::int64_t>(wait.count()));
}

/// Answers a start with `err`; the actor may have nothing else to do, so it asks to go.
void refuse(self_pointer self, caf::typed_response_promise<verification_view>& promise,
            caf::error err) {
  promise.deliver(std::move(err));
  maybe_passivate(self);
}

/// The first channel of a verification asked with `preference` at `now`, and why: the phone's
/// WhatsApp outcomes and its country's, weighed by choose_channel (engine/channel_choice.hpp).
channel_choice choose_first_channel(const phone_state& state, channel_preference preference,
                                    timestamp now) {
  const auto& settings = *state.settings;
  country_whatsapp_stats country;
  if (preference == channel_preference::automatic && settings.country_stats)
    country = settings.country_stats->stats_for(state.phone, now);
  return choose_channel(preference, state.record.whatsapp_history, country, now,
                        settings.channel_rules);
}

/// Starts a verification once the prefix limiter let it through: the phone's own checks run
/// here, in the same handler that records the send, so concurrent starts cannot both pass.
void begin_verification(self_pointer self, const verification_request& request,
                        caf::typed_response_promise<verification_view> promise) {
  auto& state = self->state;
  if (state.record.opted_out)
    return refuse(self, promise, caf::make_error(ec::opted_out));
  auto now = wall_clock_now();
  if (auto wait = state.send_limit_wait(now); wait.count() > 0)
    return refuse(self, promise, rate_limited(wait));
  auto verification = state.make_verification(request, now, self->clock().now());
  auto choice = choose_first_channel(state, request.preference, now);
  auto via = choice.via;
  verification.record.why_channel = choice.reason;
  auto id = verification.record.id;
  auto previous_latest = std::exchange(state.record.latest_verification, id);
  self->delayed_send(self, state.settings->code_ttl, atom::expire::value, id);
  auto& live = state.live.emplace_back(std::move(verification));
  spdlog::info("verification {} started for {} over {} ({})", id.to_string(),
               mask_phone(state.phone), to_string(via), to_string(choice.reason));
  auto stored = [self, id, previous_latest, choice, promise](caf::error err) mutable {
    auto* found = self->state.find_live(id);
    if (err || found == nullptr) {
      self->state.erase_live(id);
      if (self->state.record.latest_verification == id)
        self->state.record.latest_verification = previous_latest;
      return refuse(self, promise, err ? std::move(err) : caf::make_error(ec::storage_failed));
    }
    if (auto* recorder = self->state.settings->recorder) {
      recorder->verification_started();
      recorder->channel_chosen(choice.via, choice.reason);
    }
    promise.deliver(found->view());
  };
  std::optional<idempotency_record> key;
  if (!request.idempotency_key.empty())
    key = idempotency_record{request.idempotency_key, request.idempotency_fingerprint, now, id};
  send_attempt(self, live, via, false, std::move(stored), std::move(key));
}

caf::result<verification_view> on_start(self_pointer self, const verification_request& request) {
  auto promise = self->make_response_promise<verification_view>();
  if (self->state.record.opted_out) {
    refuse(self, promise, caf::make_error(ec::opted_out));
    return promise;
  }
  acquire_send_slot(self, [self, request, promise](milliseconds wait) mutable {
    if (wait.count() > 0)
      return refuse(self, promise, rate_limited(wait));
    begin_verification(self, request, promise);
  });
  return promise;
}

caf::result<verification_view> on_get(self_pointer self, const verification_query& query) {
  auto& state = self->state;
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

/// The live verification `id` while it is pending (checks, resends and follow-ups apply), else
/// nullptr: between the decision that ended it and the write that stores it, it is still live.
live_verification* find_pending(phone_state& state, const verification_id& id) {
  auto* found = state.find_live(id);
  return found != nullptr && found->record.status == verification_status::pending ? found
                                                                                  : nullptr;
}

caf::result<verification_view> on_resend(self_pointer self, const verification_id& id,
                                         channel via) {
  if (find_pending(self->state, id) == nullptr)
    return caf::make_error(ec::not_found);
  auto promise = self->make_response_promise<verification_view>();
  acquire_send_slot(self, [self, id, via, promise](milliseconds wait) mutable {
    auto* found = find_pending(self->state, id);
    if (wait.count() > 0)
      return answer(promise, rate_limited(wait));
    if (found == nullptr)
      return answer(promise, caf::make_error(ec::not_found));
    if (auto limit_wait = self->state.send_limit_wait(wall_clock_now()); limit_wait.count() > 0)
      return answer(promise, rate_limited(limit_wait));
    send_attempt(self, *found, via, false, [self, id, promise](caf::error err) mutable {
      auto* live = self->state.find_live(id);
      if (err || live == nullptr)
        return answer(promise, err ? std::move(err) : caf::make_error(ec::not_found));
      promise.deliver(live->view());
    });
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

/// Counts a read of storage under way, so the actor does not passivate before it answers.
std::function<void()> track_read(self_pointer self) {
  ++self->state.reading;
  return [self] {
    --self->state.reading;
    maybe_passivate(self);
  };
}

caf::result<check_result> on_check(self_pointer self, const verification_id& id,
                                   const std::string& code) {
  auto& state = self->state;
  auto* found = state.find_live(id);
  if (found == nullptr)
    return check_from_storage(self, state.storage, id, track_read(self));
  auto& record = found->record;
  if (record.status != verification_status::pending)
    return caf::make_error(check_error_after_end(record.status));
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

/// Cancels a live verification: stores it `canceled` (its code hash dropped), then ends its
/// live work (message actors withdraw what still waits in egress) and answers the view.
caf::result<verification_view> on_cancel(self_pointer self, const verification_id& id) {
  auto& state = self->state;
  auto* found = state.find_live(id);
  if (found == nullptr)
    return cancel_from_storage(self, state.storage, id, track_read(self));
  auto& record = found->record;
  if (auto refusal = cancel_error(record.status); refusal != ec::none)
    return caf::make_error(refusal);
  auto before = record;
  record.status = verification_status::canceled;
  record.salt = {};
  record.digest = {};
  spdlog::info("verification {} canceled", id.to_string());
  auto promise = self->make_response_promise<verification_view>();
  persist(self, batch_of(state, *found, nullptr),
          [self, id, promise, before, canceled = found->view()](caf::error err) mutable {
            auto* live = self->state.find_live(id);
            if (err && live != nullptr) { // not stored: it stays pending, its code still works
              live->record.status = before.status;
              live->record.salt = before.salt;
              live->record.digest = before.digest;
            }
            if (err)
              return answer(promise, std::move(err));
            promise.deliver(live != nullptr ? live->view() : canceled);
            finish(self, id);
          });
  return promise;
}

/// Answers a check of the ended verification `record` (loaded from storage): an approved code
/// is confirmed again within its lifetime, and a wrong one is counted durably (check_ended).
void check_stored(self_pointer self, verification_record record, const std::string& code,
                  caf::typed_response_promise<phone_check_result> promise) {
  const auto& settings = *self->state.settings;
  auto matches = settings.hasher->matches(code, record.salt, record.digest);
  auto left = [&] {
    return settings.max_checks - std::min(record.wrong_checks, settings.max_checks);
  };
  switch (check_ended(record, matches, wall_clock_now(), settings.max_checks)) {
    case ended_check_outcome::confirmed_again:
      return answer(promise, phone_check_result{record.id, {record.status, true, left()}});
    case ended_check_outcome::max_attempts:
      return answer(promise, caf::make_error(ec::max_attempts_reached));
    case ended_check_outcome::not_found:
      return answer(promise, caf::make_error(ec::not_found));
    case ended_check_outcome::wrong_code:
      break;
  }
  ++record.wrong_checks;
  phone_check_result result{record.id, {record.status, false, left()}};
  write_batch batch;
  batch.verifications.push_back(std::move(record));
  self->request(self->state.storage, caf::infinite, atom::persist::value, std::move(batch))
    .await([result, promise](caf::ok_atom) mutable { promise.deliver(result); },
           [promise](caf::error& err) mutable { promise.deliver(std::move(err)); });
}

/// Checks a code against the phone's latest verification: while it is live, as any check; once
/// it ended, against its stored record (one at a time: await keeps other messages waiting).
caf::result<phone_check_result> on_check_latest(self_pointer self,
                                                const phone_code_check& check) {
  auto latest = self->state.record.latest_verification;
  if (!latest)
    return caf::make_error(ec::not_found);
  auto id = *latest;
  auto promise = self->make_response_promise<phone_check_result>();
  if (self->state.find_live(id) != nullptr) {
    auto me = caf::actor_cast<phone_actor>(self);
    self->request(me, caf::infinite, atom::check::value, id, check.code)
      .then(
        [id, promise](check_result result) mutable {
          promise.deliver(phone_check_result{id, result});
        },
        [promise](caf::error& err) mutable { promise.deliver(std::move(err)); });
    return promise;
  }
  self->request(self->state.storage, caf::infinite, atom::load::value, id)
    .await([self, code = check.code, promise](verification_view& view) mutable {
             check_stored(self, std::move(view.verification), code, promise);
           },
           [promise](caf::error& err) mutable { promise.deliver(std::move(err)); });
  maybe_passivate(self);
  return promise;
}

/// Applies a callback for a message no actor holds (its verification ended): load, merge and
/// store it, one at a time for this phone (await keeps other messages waiting).
caf::result<caf::ok_atom> merge_cold(self_pointer self, const status_callback& callback) {
  auto promise = self->make_response_promise<caf::ok_atom>();
  self->request(self->state.storage, caf::infinite, atom::load::value, callback.message)
    .await(
      [self, callback, promise](message_record& stored) mutable {
        auto message = stored;
        if (message.twilio_sid.empty())
          message.twilio_sid = callback.twilio_sid;
        if (!message.delivery.merge({callback.status, callback.at, callback.error_code}))
          return answer(promise, caf::ok_atom::value);
        write_batch batch;
        batch.messages.push_back({std::move(message), std::move(stored)});
        self->request(self->state.storage, caf::infinite, atom::persist::value, std::move(batch))
          .await([promise](caf::ok_atom) mutable { promise.deliver(caf::ok_atom::value); },
                 [promise](caf::error& err) mutable { promise.deliver(std::move(err)); });
      },
      [callback, promise](caf::error& err) mutable {
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

/// What a WhatsApp message's state says for channel choice, if it ended: delivered, not a
/// WhatsApp user, or failed (an opt-out or a closed 24-hour window says nothing about reach).
std::optional<whatsapp_outcome> outcome_of(const message_record& message) {
  auto status = message.delivery.current();
  if (is_delivered(status))
    return whatsapp_outcome::delivered;
  if (!is_failure(status))
    return std::nullopt;
  switch (classify_callback_error(message.error_code())) {
    case error_reaction::opt_out:
    case error_reaction::resend_as_template: // outside the 24-hour window: no word on reach
      return std::nullopt;
    case error_reaction::fall_back:
      return whatsapp_outcome::not_on_whatsapp;
    case error_reaction::retry:
    case error_reaction::fail:
    case error_reaction::delivery_failed:
      break;
  }
  return whatsapp_outcome::failed;
}

/// Time from Verity's `created` to the first delivered (or read) of `message`.
std::chrono::milliseconds time_to_delivered(const message_record& message) {
  auto created = message.delivery.first_seen(delivery_status::created);
  auto delivered = message.delivery.first_seen(delivery_status::delivered);
  if (!delivered)
    delivered = message.delivery.first_seen(delivery_status::read);
  if (!created || !delivered || *delivered < *created)
    return milliseconds{0};
  return *delivered - *created;
}

/// Learns what WhatsApp attempt `index` ended in, once per failure and once per delivery (a
/// late receipt after a timeout clears the doubt the timeout raised): the phone keeps it as
/// evidence (persisted with its record at the next write), and the country counts the first
/// outcome of each message.
void learn_whatsapp_outcome(phone_state& state, live_verification& verification,
                            std::size_t index, const message_record& message) {
  auto outcome = outcome_of(message);
  if (message.via != channel::whatsapp || !outcome || index >= 64)
    return;
  auto bit = std::uint64_t{1} << index;
  bool delivered = *outcome == whatsapp_outcome::delivered;
  auto& learned = delivered ? verification.learned_deliveries : verification.learned_failures;
  if ((learned & bit) != 0)
    return;
  bool first = ((verification.learned_deliveries | verification.learned_failures) & bit) == 0;
  learned |= bit;
  auto now = wall_clock_now();
  remember(state.record.whatsapp_history, {now, *outcome});
  if (first && state.settings->country_stats)
    state.settings->country_stats->record(state.phone, now, delivered,
                                          delivered ? time_to_delivered(message) : milliseconds{0});
}

void on_update(self_pointer self, const message_record& message) {
  auto [found, index] = self->state.find_message(message.id);
  if (found == nullptr)
    return;
  found->attempts[index] = message;
  learn_whatsapp_outcome(self->state, *found, index, message);
  notify_waiters(self, found->record.id, false);
  act_on_failure(self, *found, index);
}

void on_expire(self_pointer self, const verification_id& id) {
  auto* found = find_pending(self->state, id);
  if (found == nullptr)
    return; // ended already, or ending (its final state on its way to storage)
  found->record.status = verification_status::expired;
  found->record.salt = {};
  found->record.digest = {};
  spdlog::info("verification {} expired", id.to_string());
  persist(self, batch_of(self->state, *found, nullptr),
          [self, id](const caf::error&) { finish(self, id); });
}

/// Ends long poll `poll` with the state of its verification as it is now.
void answer_now(phone_state& state, long_poll& poll) {
  if (const auto* live = state.find_live(poll.id))
    poll.promise.deliver(live->view());
  else
    poll.promise.deliver(caf::make_error(ec::not_found));
}

void on_wake(self_pointer self, std::uint64_t waiter) {
  auto& state = self->state;
  auto found = std::find_if(state.waiters.begin(), state.waiters.end(),
                            [waiter](const long_poll& poll) { return poll.waiter == waiter; });
  if (found == state.waiters.end())
    return;
  answer_now(state, *found);
  state.waiters.erase(found);
  maybe_passivate(self);
}

/// An exit (a shutdown) first answers the long polls still waiting, so that their requesters
/// end at once instead of holding the actor system's stop until their waits run out; a normal
/// exit of a linked actor is ignored, as CAF's default handler does.
void on_exit(self_pointer self, caf::exit_msg& exit) {
  if (!exit.reason)
    return;
  for (auto& poll : self->state.waiters)
    answer_now(self->state, poll);
  self->state.waiters.clear();
  self->quit(std::move(exit.reason));
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
  state.send_guard = std::move(setup.send_guard);
  if (auto* recorder = state.settings->recorder) {
    recorder->actor_started(actor_kind::phone);
    self->attach_functor([recorder] { recorder->actor_stopped(actor_kind::phone); });
  }
  self->set_exit_handler([self](caf::exit_msg& exit) { on_exit(self, exit); });
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
    [self](atom::cancel, const verification_id& id) { return on_cancel(self, id); },
    [self](atom::check, const phone_code_check& check) { return on_check_latest(self, check); },
    [self](atom::status, const status_callback& callback) { return on_status(self, callback); },
    [self](atom::inbound, const inbound_message& message) { return on_inbound(self, message); },
    [self](atom::update, const message_record& message) { on_update(self, message); },
    [self](atom::recover, verification_view& view) { recover(self, view); },
    [self](atom::expire, const verification_id& id) { on_expire(self, id); },
    [self](atom::wake, std::uint64_t waiter) { on_wake(self, waiter); },
  };
}

} // namespace verity
