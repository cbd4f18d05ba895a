#pragma once

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

#include "actors/actors.hpp"
#include "storage/backend.hpp"
#include "storage/settings.hpp"

namespace verity::storage {

/// The group-commit writer: the persist part of `storage_actor`.
using writer_actor = caf::typed_actor<
  /// Commits a batch durably, then answers; errors `ec::storage_failed` (the backend refused
  /// the batch or its group commit) and `ec::invalid_request` (a record without id or phone).
  caf::replies_to<atom::persist, write_batch>::with<caf::ok_atom>>;

/// Spawns the writer on a thread of its own (a blocking actor, so fsync never holds a scheduler
/// worker). It takes every persist request queued in its mailbox (up to `max_group`) into one
/// group of `store`, commits it durably, then answers each request; between commits it runs
/// retention steps. On an exit message it commits what it took and stops; requests still
/// queued then get an error, so no request is acknowledged without being durable.
/// `store` must outlive the actor (keep it alive until the actor system is destroyed).
[[nodiscard]] writer_actor spawn_writer(caf::actor_system& system, backend& store,
                                        const storage_settings& settings);

} // namespace verity::storage
