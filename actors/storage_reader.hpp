#pragma once

// The reader: the read half of the storage actors, on a thread of its own.

#include <caf/actor_system.hpp>

#include "actors/actors.hpp"
#include "storage/backend.hpp"

namespace verity {

/// Spawns the reader on a thread of its own, so that reads block neither a scheduler worker
/// nor behind the writer's fsync. A failed read (database error, corrupt record) is logged and
/// answered with `ec::storage_failed`. `backend` must outlive the actor.
[[nodiscard]] storage_reader_actor spawn_storage_reader(caf::actor_system& system,
                                                        storage::backend& backend);

} // namespace verity
