#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace verity {

/// The routing key of a phone: the first four bytes of HMAC-SHA256(secret, e164). It picks the
/// phone's directory shard (`key % shards`) and is embedded in every id issued for the phone,
/// so a request by id reaches the right shard directly. Keyed, so an id reveals nothing about
/// the number to whoever reads it in a log.
std::uint32_t phone_routing_key(std::span<const std::uint8_t> secret, std::string_view e164);

} // namespace verity
