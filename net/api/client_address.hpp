#pragma once

#include <span>
#include <string>

#include "config/config_values.hpp"
#include "net/http/message.hpp"

/// Which address a request comes from: the socket's peer, or the client a trusted proxy names.
namespace verity::net {

/// The client address of `request`, in canonical text ("192.0.2.1", "2001:db8::1"):
///
/// - the socket's address (`remote_address`) when it is in none of `trusted_proxies` (so with
///   no trusted proxies the forwarding headers are never believed);
/// - otherwise the hops of `X-Forwarded-For` (every line, in order), or of `Forwarded`'s `for=`
///   parameters (RFC 7239) when there is no `X-Forwarded-For`, walked from the right: the first
///   hop that is not itself a trusted proxy is the client; when every hop is trusted, the
///   left-most one.
///
/// A hop may carry a port ("192.0.2.1:4711", "[2001:db8::1]:4711"); a hop that is not an IP
/// address ("unknown", an obfuscated "_hidden", garbage) ends the walk with the socket's address,
/// as does a trusted peer that sends no forwarding header. An IPv4-mapped IPv6 address counts as
/// its IPv4 address. Never throws on any header content.
std::string client_address(const http_request& request,
                           std::span<const ip_network> trusted_proxies);

} // namespace verity::net
