#pragma once

// CAF handles: include this only where the API is wired (app/engine_runner.cpp, tests).

#include <cstdint>
#include <memory>
#include <vector>

#include "actors/actors.hpp"
#include "config/config.hpp"
#include "net/api/limits.hpp"
#include "net/api/secret_store.hpp"

namespace caf {
class actor_system;
} // namespace caf

namespace verity {
class metrics;
} // namespace verity

namespace verity::net {

class simulated_phones;
class verified_hook;

/// Everything the API routes need from the rest of the process.
struct api_context {
  caf::actor_system& system;                 ///< Runs the bridge's requesting actors.
  config settings;                           ///< API keys, public URL, tokens, limits.
  std::vector<phone_directory_actor> shards; ///< Directory shards; shard = routing key % size.
  storage_actor storage;                     ///< Reads messages (GET /v1/messages, SID lookup
                                             ///< for callbacks without message_id); may be null.
  std::vector<std::uint8_t> secret;          ///< Routing-key secret (as the phone actors use).
  api_limits limits;
  metrics* recorder = nullptr;               ///< Counts webhook outcomes; null: nowhere.
  std::shared_ptr<const simulated_phones> inbox{}; ///< The simulator's phones (demo page);
                                                   ///< null with real Twilio.
  /// The API keys and Twilio tokens in force, replaced on reload; null: those of `settings`,
  /// for the life of the routes.
  std::shared_ptr<const secret_store> secrets = nullptr;
  /// The compatibility API's verified hook (VERITY_COMPAT_VERIFIED_HOOK); null: none.
  std::shared_ptr<verified_hook> compat_hook = nullptr;
};

} // namespace verity::net
