#pragma once

#include <memory>
#include <string>

#include "actors/actors.hpp"
#include "actors/phone_state.hpp"
#include "actors/verification_settings.hpp"

namespace verity {

/// Everything a phone actor starts with.
struct phone_setup {
  std::string phone; ///< E.164.
  phone_directory_actor directory;
  egress_actor egress;
  storage_actor storage;
  std::shared_ptr<const verification_settings> settings;
  send_guard_actor send_guard; ///< Null: no abuse limits.
};

/// A phone actor: the one place where a phone's verifications live. It enforces opt-out and the
/// send limit, generates codes (keeping only their keyed hash on disk), spawns a message actor
/// per attempt, applies the fallback policy when an attempt fails, checks codes in constant
/// time, expires them, answers long polls, and asks its shard to let it go once idle.
phone_actor::behavior_type phone_actor_behavior(phone_actor::stateful_pointer<phone_state> self,
                                                phone_setup setup);

} // namespace verity
