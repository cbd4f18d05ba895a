#pragma once

// The group-commit writer: the persist half of the storage actors, on a thread of its own.

#include <caf/actor_system.hpp>

#include "actors/actors.hpp"
#include "actors/storage_settings.hpp"
#include "storage/backend.hpp"

namespace verity {

/// Spawns the writer on a thread of its own (a blocking actor, so fsync never holds a scheduler
/// worker). It takes every persist request queued in its mailbox (up to `max_group`) into one
/// group of `backend`, commits it durably, then answers each request; between commits it
/// runs retention steps. On an exit message it commits what it took and stops; requests still
/// queued then get an error, so no request is acknowledged without being durable.
/// `backend` must outlive the actor (keep it alive until the actor system is destroyed).
[[nodiscard]] storage_writer_actor spawn_storage_writer(caf::actor_system& system,
                                                        storage::backend& backend,
                                                        const storage_settings& settings);

} // namespace verity
