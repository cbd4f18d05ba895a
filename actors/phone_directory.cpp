#include "actors/phone_directory.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/ended_verification.hpp"
#include "actors/phone_actor.hpp"
#include "engine/phone.hpp"
#include "engine/routing.hpp"

namespace verity {

namespace {

using self_pointer = phone_directory_actor::stateful_pointer<directory_state>;

/// The phone actor of `phone`, spawned (and monitored) if it has none; counts the message about
/// to be forwarded to it.
phone_actor& forward_to(self_pointer self, const std::string& phone) {
  auto& state = self->state;
  auto found = state.phones.find(phone);
  if (found == state.phones.end()) {
    phone_setup setup{phone,
                      caf::actor_cast<phone_directory_actor>(self),
                      state.setup.egress,
                      state.setup.storage,
                      state.setup.settings,
                      state.setup.send_guard};
    auto actor = self->spawn(phone_actor_behavior, std::move(setup));
    self->monitor(actor);
    found = state.phones.emplace(phone, phone_entry{actor, 0, {}}).first;
  }
  ++found->second.forwarded;
  return found->second.actor;
}

/// The phone owning a live verification, or nullptr.
const std::string* phone_of(self_pointer self, const verification_id& id) {
  auto found = self->state.verification_phone.find(id);
  return found == self->state.verification_phone.end() ? nullptr : &found->second;
}

void remember(self_pointer self, const verification_id& id, const std::string& phone) {
  auto entry = self->state.phones.find(phone);
  if (entry == self->state.phones.end())
    return; // the phone actor is gone already: reads of this id come from storage
  self->state.verification_phone[id] = phone;
  entry->second.verifications.push_back(id);
}

caf::result<verification_view> on_start(self_pointer self, const verification_request& request) {
  auto promise = self->make_response_promise<verification_view>();
  auto phone = request.phone;
  self->request(forward_to(self, phone), caf::infinite, atom::start::value, request)
    .then(
      [self, promise, phone](verification_view& view) mutable {
        remember(self, view.verification.id, phone);
        promise.deliver(std::move(view));
      },
      [promise](caf::error& err) mutable { promise.deliver(std::move(err)); });
  return promise;
}

caf::result<verification_view> on_get(self_pointer self, const verification_query& query) {
  auto promise = self->make_response_promise<verification_view>();
  if (const auto* phone = phone_of(self, query.id))
    return promise.delegate(forward_to(self, *phone), atom::get::value, query);
  return promise.delegate(self->state.setup.storage, atom::load::value, query.id);
}

/// Drops the phone actor of `phone`, when it is the one asking, if the shard forwarded it nothing
/// beyond the `seen` messages it knows it handled; answers how many were forwarded to it (see
/// Passivation in the header).
std::uint64_t on_idle(self_pointer self, const std::string& phone, std::uint64_t seen) {
  auto found = self->state.phones.find(phone);
  auto asking = caf::actor_cast<caf::actor_addr>(self->current_sender());
  if (found == self->state.phones.end() || found->second.actor.address() != asking)
    return seen; // nothing is forwarded to an actor the shard does not hold: it may go
  auto forwarded = found->second.forwarded;
  if (forwarded == seen)
    self->state.forget(phone);
  return forwarded;
}

} // namespace

directory_state::~directory_state() {
  for (auto& [phone, entry] : phones)
    caf::anon_send_exit(entry.actor, caf::exit_reason::user_shutdown);
}

void directory_state::forget(const std::string& phone) {
  auto entry = phones.find(phone);
  if (entry == phones.end())
    return;
  for (const auto& id : entry->second.verifications)
    verification_phone.erase(id);
  phones.erase(entry);
}

phone_directory_actor::behavior_type phone_directory_behavior(self_pointer self,
                                                              directory_setup setup) {
  self->state.setup = std::move(setup);
  self->set_down_handler([self](caf::down_msg& down) {
    auto& phones = self->state.phones;
    for (auto i = phones.begin(); i != phones.end(); ++i) {
      if (i->second.actor.address() == down.source) {
        if (down.reason)
          spdlog::error("phone actor for {} stopped: {}", mask_phone(i->first),
                        to_string(down.reason));
        self->state.forget(std::string{i->first});
        return;
      }
    }
  });
  return {
    [self](atom::start, const verification_request& request) { return on_start(self, request); },
    [self](atom::get, const verification_query& query) { return on_get(self, query); },
    [self](atom::resend, const verification_id& id,
           channel via) -> caf::result<verification_view> {
      // A promise takes over the reply, so it is made only on the path that uses it.
      if (const auto* phone = phone_of(self, id)) {
        auto promise = self->make_response_promise<verification_view>();
        return promise.delegate(forward_to(self, *phone), atom::resend::value, id, via);
      }
      return caf::make_error(ec::not_found);
    },
    [self](atom::check, const verification_id& id,
           const std::string& code) -> caf::result<check_result> {
      if (const auto* phone = phone_of(self, id)) {
        auto promise = self->make_response_promise<check_result>();
        return promise.delegate(forward_to(self, *phone), atom::check::value, id, code);
      }
      return check_from_storage(self, self->state.setup.storage, id);
    },
    [self](atom::cancel, const verification_id& id) -> caf::result<verification_view> {
      if (const auto* phone = phone_of(self, id)) {
        auto promise = self->make_response_promise<verification_view>();
        return promise.delegate(forward_to(self, *phone), atom::cancel::value, id);
      }
      return cancel_from_storage(self, self->state.setup.storage, id);
    },
    [self](atom::check, const phone_code_check& check) {
      auto promise = self->make_response_promise<phone_check_result>();
      return promise.delegate(forward_to(self, check.phone), atom::check::value, check);
    },
    [self](atom::status, const status_callback& callback) -> caf::result<caf::ok_atom> {
      if (callback.phone.empty())
        return caf::make_error(ec::invalid_request);
      auto promise = self->make_response_promise<caf::ok_atom>();
      return promise.delegate(forward_to(self, callback.phone), atom::status::value, callback);
    },
    [self](atom::inbound, const inbound_message& message) {
      auto promise = self->make_response_promise<caf::ok_atom>();
      return promise.delegate(forward_to(self, message.phone), atom::inbound::value, message);
    },
    [self](atom::idle, const std::string& phone, std::uint64_t seen) {
      return on_idle(self, phone, seen);
    },
    [self](atom::recover, verification_view& view) {
      auto phone = view.verification.phone;
      auto& actor = forward_to(self, phone);
      remember(self, view.verification.id, phone);
      self->send(actor, atom::recover::value, std::move(view));
    },
  };
}

std::vector<phone_directory_actor> spawn_phone_directory(caf::actor_system& system,
                                                         std::size_t count,
                                                         const directory_setup& setup) {
  std::vector<phone_directory_actor> shards;
  shards.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    shards.push_back(system.spawn(phone_directory_behavior, setup));
  return shards;
}

const phone_directory_actor& shard_for(const std::vector<phone_directory_actor>& shards,
                                       std::uint32_t routing_key) {
  return shards[shard_index(routing_key, shards.size())];
}

} // namespace verity
