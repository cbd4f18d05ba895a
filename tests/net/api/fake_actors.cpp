#include "tests/net/api/fake_actors.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/actors.hpp"
#include "engine/routing.hpp"

namespace verity::net::test {

namespace {

/// Promises a fake keeps unanswered (silent replies) until it exits.
struct fake_state {
  std::vector<caf::response_promise> held;
};

using fake_actor = caf::stateful_actor<fake_state>;

/// The caf answer of a scripted reply.
template <class Wire, class T, class Convert>
caf::result<Wire> to_result(fake_actor* self, fake_reply<T> reply, Convert convert) {
  if (reply.silent) {
    self->state.held.push_back(self->make_response_promise());
    return self->state.held.back();
  }
  if (reply.error != ec::none)
    return caf::make_error(reply.error, static_cast<std::int64_t>(reply.retry_after.count()));
  return convert(std::move(*reply.value));
}

template <class T>
caf::result<T> to_result(fake_actor* self, fake_reply<T> reply) {
  return to_result<T>(self, std::move(reply), [](T value) { return value; });
}

caf::result<caf::ok_atom> to_ack(fake_actor* self, fake_reply<acknowledged> reply) {
  return to_result<caf::ok_atom>(self, std::move(reply), [](acknowledged) { return caf::ok_atom::value; });
}

caf::behavior fake_shard(fake_actor* self, std::shared_ptr<fake_engine> engine, shard_place place) {
  auto misrouted = [] { return caf::make_error(ec::invalid_request); };
  return {
    [=](atom::start, const verification_request& request) -> caf::result<verification_view> {
      if (!place.owns_phone(request.phone))
        return misrouted();
      return to_result(self, engine->start(request));
    },
    [=](atom::get, const verification_query& query) -> caf::result<verification_view> {
      if (!place.owns(query.id.routing_key()))
        return misrouted();
      return to_result(self, engine->get(query));
    },
    [=](atom::resend, verification_id id, channel via) -> caf::result<verification_view> {
      if (!place.owns(id.routing_key()))
        return misrouted();
      return to_result(self, engine->resend({id, via}));
    },
    [=](atom::check, verification_id id, const std::string& code) -> caf::result<check_result> {
      if (!place.owns(id.routing_key()))
        return misrouted();
      return to_result(self, engine->check({id, code}));
    },
    [=](atom::cancel, verification_id id) -> caf::result<verification_view> {
      if (!place.owns(id.routing_key()))
        return misrouted();
      return to_result(self, engine->cancel(id));
    },
    [=](atom::check, const phone_code_check& check) -> caf::result<phone_check_result> {
      if (!place.owns_phone(check.phone))
        return misrouted();
      return to_result(self, engine->check_phone(check));
    },
    [=](atom::status, const status_callback& callback) -> caf::result<caf::ok_atom> {
      if (!place.owns_phone(callback.phone))
        return misrouted();
      return to_ack(self, engine->status(callback));
    },
    [=](atom::inbound, const inbound_message& message) -> caf::result<caf::ok_atom> {
      if (!place.owns_phone(message.phone))
        return misrouted();
      return to_ack(self, engine->inbound(message));
    },
  };
}

caf::behavior fake_storage(fake_actor* self, std::shared_ptr<fake_engine> engine) {
  return {
    [=](atom::lookup, const idempotency_query& query) -> caf::result<idempotency_record> {
      return to_result(self, engine->find_answer(query.key));
    },
    [=](atom::load, message_id id) -> caf::result<message_record> {
      return to_result(self, engine->load_message(id));
    },
    [=](atom::lookup, const std::string& sid) -> caf::result<message_id> {
      return to_result(self, engine->lookup(sid));
    },
    [=](atom::stats, const stats_query& query) -> caf::result<stats_report> {
      return to_result(self, engine->platform_stats(query));
    },
    [=](atom::stats, const phone_stats_query& query) -> caf::result<phone_stats_report> {
      return to_result(self, engine->phone_stats(query));
    },
  };
}

} // namespace

bool shard_place::owns_phone(const std::string& e164) const {
  return owns(phone_routing_key(secret, e164));
}

caf::actor spawn_fake_shard(caf::actor_system& system, std::shared_ptr<fake_engine> engine,
                            shard_place place) {
  return system.spawn(fake_shard, std::move(engine), std::move(place));
}

caf::actor spawn_fake_storage(caf::actor_system& system, std::shared_ptr<fake_engine> engine) {
  return system.spawn(fake_storage, std::move(engine));
}

} // namespace verity::net::test
