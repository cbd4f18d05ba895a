#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "tests/net/api/fake_engine.hpp"

namespace verity::net::test {

/// Where requests for a routing key must go: shard `index` of `count`.
struct shard_place {
  std::size_t index = 0;
  std::size_t count = 1;
  std::vector<std::uint8_t> secret;

  /// True when ids carrying `key` belong to this shard.
  bool owns(std::uint32_t key) const { return key % count == index; }

  /// True when the phone `e164` belongs to this shard.
  bool owns_phone(const std::string& e164) const;
};

/// Spawns a fake directory shard answering from `engine`'s scripts; it refuses with
/// `ec::invalid_request` (a 400) any request the HTTP layer routed to the wrong shard.
caf::actor spawn_fake_shard(caf::actor_system& system, std::shared_ptr<fake_engine> engine,
                            shard_place place);

/// Spawns a fake storage actor answering message and stats reads from `engine`'s scripts.
caf::actor spawn_fake_storage(caf::actor_system& system, std::shared_ptr<fake_engine> engine);

} // namespace verity::net::test
