#pragma once

#include <caf/actor_system.hpp>

#include "actors/actors.hpp"
#include "storage/backend.hpp"
#include "storage/settings.hpp"

namespace verity::storage {

/// Spawns Verity's storage on `store`: a group-commit writer and a reader, each on a thread
/// of its own, behind one `storage_actor` that delegates persists to the writer and reads to
/// the reader (so reads never wait behind an fsync). `ok` to a persist means the batch is
/// durable. The three actors are linked: they stop together when the last handle is gone or
/// on an exit message. `store` must outlive them: open it before the actor system is
/// created, so that the system's destructor (which waits for them) runs first.
[[nodiscard]] storage_actor spawn_storage(caf::actor_system& system, backend& store,
                                          storage_settings settings);

} // namespace verity::storage
