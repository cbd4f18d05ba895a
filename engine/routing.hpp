#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace verity {

/// The routing key of a phone: the first four bytes of HMAC-SHA256(secret, e164). It picks the
/// phone's directory shard (`key % shards`) and is embedded in every id issued for the phone,
/// so a request by id reaches the right shard directly. Keyed, so an id reveals nothing about
/// the number to whoever reads it in a log.
std::uint32_t phone_routing_key(std::span<const std::uint8_t> secret, std::string_view e164);

/// The directory shard, among `shards` (at least one), that owns `routing_key`: the key modulo
/// the number of shards. Every request reaches its phone through this one choice.
std::size_t shard_index(std::uint32_t routing_key, std::size_t shards);

} // namespace verity
