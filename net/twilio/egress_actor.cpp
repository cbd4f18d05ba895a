#include "net/twilio/egress_actor.hpp"

#include <unordered_map>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>
#include <spdlog/spdlog.h>

#include "net/twilio/client.hpp"

namespace verity::net {

namespace {

/// The client's answer to request number N, which the actor sends itself.
using answered_atom = caf::atom_constant<caf::atom("answered")>;

/// The client's answer to withdrawal number N, which the actor sends itself.
using withdrawn_atom = caf::atom_constant<caf::atom("withdrawn")>;

/// The interface the actor implements: the public one plus the answers it sends itself, which
/// stay private to this file (the handle handed out is the plain `egress_actor`).
using egress_impl_actor =
  egress_actor::extend<caf::reacts_to<answered_atom, std::uint64_t, create_result>,
                       caf::reacts_to<withdrawn_atom, std::uint64_t, not_sent_reason>>;

/// The promises waiting for the client, by request number.
struct egress_state {
  static inline const char* name = "egress";

  std::uint64_t next_request = 0;
  std::unordered_map<std::uint64_t, caf::typed_response_promise<create_result>> waiting;
  std::unordered_map<std::uint64_t, caf::typed_response_promise<not_sent_reason>> withdrawing;
};

/// Delivers the promise numbered `number` of `promises` with `value`, once.
template <class Promises, class Value>
void deliver(Promises& promises, std::uint64_t number, Value&& value) {
  auto found = promises.find(number);
  if (found == promises.end()) {
    spdlog::error("egress got an answer to unknown request {}", number);
    return;
  }
  found->second.deliver(std::forward<Value>(value));
  promises.erase(found);
}

egress_impl_actor::behavior_type egress_behavior(
  egress_impl_actor::stateful_pointer<egress_state> self, twilio_client* client) {
  return {
    [self, client](atom::create, outbound_message& message) {
      auto promise = self->make_response_promise<create_result>();
      auto number = self->state.next_request++;
      self->state.waiting.emplace(number, promise);
      auto home = caf::actor_cast<egress_impl_actor>(self);
      client->create(std::move(message), [home, number](create_result result) {
        caf::anon_send(home, answered_atom::value, number, std::move(result));
      });
      return promise;
    },
    [self, client](atom::withdraw, const message_id& id) {
      auto promise = self->make_response_promise<not_sent_reason>();
      auto number = self->state.next_request++;
      self->state.withdrawing.emplace(number, promise);
      auto home = caf::actor_cast<egress_impl_actor>(self);
      client->withdraw(id, [home, number](not_sent_reason held) {
        caf::anon_send(home, withdrawn_atom::value, number, held);
      });
      return promise;
    },
    [self](answered_atom, std::uint64_t number, create_result& result) {
      deliver(self->state.waiting, number, std::move(result));
    },
    [self](withdrawn_atom, std::uint64_t number, not_sent_reason held) {
      deliver(self->state.withdrawing, number, held);
    },
  };
}

} // namespace

egress_actor spawn_egress(caf::actor_system& system, twilio_client& client) {
  return system.spawn(egress_behavior, &client);
}

} // namespace verity::net
