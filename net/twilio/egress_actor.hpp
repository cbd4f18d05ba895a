#pragma once

#include "actors/actors.hpp"

namespace caf {
class actor_system;
} // namespace caf

namespace verity::net {

class twilio_client;

/// Spawns the egress actor: it answers each `create` with Twilio's result through a response
/// promise, handing the request to `client` (which runs it on its Asio thread) and delivering
/// the promise inside the actor once the client's answer comes back as a message. `client`
/// must outlive the actor.
egress_actor spawn_egress(caf::actor_system& system, twilio_client& client);

} // namespace verity::net
