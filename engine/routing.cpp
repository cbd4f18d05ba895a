#include "engine/routing.hpp"

#include <stdexcept>

#include "engine/keyed_hmac.hpp"

namespace verity {

std::uint32_t phone_routing_key(std::span<const std::uint8_t> secret, std::string_view e164) {
  auto digest = thread_hmac(hmac_digest::sha256, secret).compute(e164);
  if (digest.size() < 4)
    throw std::runtime_error("HMAC-SHA256 failed while routing a phone");
  return std::uint32_t{digest[0]} << 24 | std::uint32_t{digest[1]} << 16
         | std::uint32_t{digest[2]} << 8 | std::uint32_t{digest[3]};
}

std::size_t shard_index(std::uint32_t routing_key, std::size_t shards) {
  return routing_key % shards;
}

} // namespace verity
