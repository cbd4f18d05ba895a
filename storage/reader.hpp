#pragma once

#include <string>

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

#include "actors/actors.hpp"
#include "storage/database.hpp"

namespace verity::storage {

/// The reader: the load part of `storage_actor`.
using reader_actor = caf::typed_actor<
  /// Reads a verification with its attempts; error `ec::not_found` if unknown.
  caf::replies_to<atom::load, verification_id>::with<verification_view>,
  /// Reads one message; error `ec::not_found` if unknown.
  caf::replies_to<atom::load, message_id>::with<message_record>,
  /// Finds the message id of a Twilio SID; error `ec::not_found` if unknown.
  caf::replies_to<atom::lookup, std::string>::with<message_id>,
  /// Reads a phone's record (a fresh one if the phone is unknown).
  caf::replies_to<atom::phone, std::string>::with<phone_record>,
  /// Sums the platform's delivery counters over a window of days.
  caf::replies_to<atom::stats, stats_query>::with<stats_report>,
  /// Reports one phone's recent messages over a window of days.
  caf::replies_to<atom::stats, phone_stats_query>::with<phone_stats_report>>;

/// Spawns the reader on a thread of its own, so that reads block neither a scheduler worker
/// nor behind the writer's fsync. A failed read (RocksDB error, corrupt record) is logged and
/// answered with `ec::storage_failed`. `db` must outlive the actor.
[[nodiscard]] reader_actor spawn_reader(caf::actor_system& system, database& db);

} // namespace verity::storage
