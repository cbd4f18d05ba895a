#pragma once

#include <string>

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

#include "actors/actors.hpp"
#include "storage/backend.hpp"

namespace verity::storage {

/// The reader: the read half of `storage_actor`.
using reader_actor = storage_reader_actor;

/// Spawns the reader on a thread of its own, so that reads block neither a scheduler worker
/// nor behind the writer's fsync. A failed read (database error, corrupt record) is logged and
/// answered with `ec::storage_failed`. `store` must outlive the actor.
[[nodiscard]] reader_actor spawn_reader(caf::actor_system& system, backend& store);

} // namespace verity::storage
