#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "engine/delivery_status.hpp"
#include "engine/id.hpp"
#include "net/api/actor_gateway.hpp"

namespace verity::net {

/// Reads verification `id`, waiting at most `wait` for the API delivery state of its latest
/// attempt (see api_delivery_state) to differ from `seen`. Clients see the engine's `created`
/// and Twilio's `sending` both as "sending", so a change between those two is waited through:
/// the wait continues from the new state until the time is up. Without `seen`, the state found
/// by a first, immediate read is the one waited out. `done` gets the last view read, or the
/// first failure.
void long_poll(std::shared_ptr<actor_gateway> engine, verification_id id,
               std::optional<delivery_status> seen, std::chrono::milliseconds wait,
               engine_callback<verification_view> done);

} // namespace verity::net
