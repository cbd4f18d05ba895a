#pragma once

// The phone directory's shards: each finds, spawns and drops the phone actors of its phones.
//
// Passivation. A phone actor with nothing live asks its shard to drop it (`atom::idle`), and
// nothing the shard forwarded to it may be lost when it quits. The shard counts the messages it
// forwards to each actor, in the one function every forward goes through (`forward_to`); the
// phone actor counts nothing, so no handler of it can forget to. Its request carries the count
// the shard last answered it, and the shard forgets the actor only if it forwarded nothing
// since. The answer can be trusted as "handled": CAF delivers the messages of one sender in the
// order they were sent (all of these at normal priority), and a shard enqueues each forward,
// delegated or not, before it answers a later request. So when the actor reads an answer, it
// has handled every message the answer counts; if it still has nothing live, it asks again with
// that count. Only the actor the shard holds for the phone can be dropped so: a request from any
// other sender (an earlier actor of the same phone, already released) forgets nothing.

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/actors.hpp"
#include "actors/verification_settings.hpp"

namespace verity {

/// What every directory shard needs to spawn phone actors.
struct directory_setup {
  egress_actor egress;
  storage_actor storage;
  std::shared_ptr<const verification_settings> settings;
  send_guard_actor send_guard; ///< Null: no abuse limits.
};

/// A phone actor as its shard knows it.
struct phone_entry {
  phone_actor actor;
  std::uint64_t forwarded = 0; ///< Messages forwarded to it (see Passivation above).
  std::vector<verification_id> verifications; ///< Routed here by id; forgotten with the actor.
};

/// The state of one directory shard.
struct directory_state {
  static inline const char* name = "phone-directory";

  directory_state() = default;
  directory_state(const directory_state&) = delete;
  directory_state& operator=(const directory_state&) = delete;

  /// Stops the phone actors of this shard (the shard is going away).
  ~directory_state();

  directory_setup setup;
  std::unordered_map<std::string, phone_entry> phones;
  std::unordered_map<verification_id, std::string> verification_phone;

  /// Forgets a phone actor and the verifications routed to it.
  void forget(const std::string& phone);
};

/// A shard of the phone directory: finds or spawns the phone actor for a phone, routes requests
/// by verification id to the phone that owns it, answers reads of finished verifications from
/// storage, and lets idle phone actors go.
phone_directory_actor::behavior_type
phone_directory_behavior(phone_directory_actor::stateful_pointer<directory_state> self,
                         directory_setup setup);

/// Spawns `count` directory shards.
std::vector<phone_directory_actor> spawn_phone_directory(caf::actor_system& system,
                                                         std::size_t count,
                                                         const directory_setup& setup);

/// The shard responsible for `routing_key` (see engine/routing.hpp).
const phone_directory_actor& shard_for(const std::vector<phone_directory_actor>& shards,
                                       std::uint32_t routing_key);

} // namespace verity
