#pragma once

// Verity's storage as actors: one facade over a group-commit writer and a reader.

#include <caf/actor_system.hpp>

#include "actors/actors.hpp"
#include "actors/storage_settings.hpp"
#include "storage/backend.hpp"

namespace verity {

/// Spawns Verity's storage on `backend`: a group-commit writer and a reader, each on a thread
/// of its own, behind one `storage_actor` that delegates persists to the writer and reads to
/// the reader (so reads never wait behind an fsync). `ok` to a persist means the batch is
/// durable. The three actors are linked: they stop together when the last handle is gone or on
/// an exit message. `backend` must outlive them: open it before the actor system is created,
/// so that the system's destructor (which waits for them) runs first.
[[nodiscard]] storage_actor spawn_storage(caf::actor_system& system, storage::backend& backend,
                                          storage_settings settings);

} // namespace verity
