#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "net/api/actor_gateway.hpp"
#include "net/http/message.hpp"

namespace verity::net {

/// The value of a Retry-After header: whole seconds, rounded up, at least 1.
std::string retry_after_header(std::chrono::milliseconds wait);

/// `response` with a Retry-After header for `wait` added.
http_response with_retry_after(http_response response, std::chrono::milliseconds wait);

/// 400 `invalid_request` naming the offending field in the message and in
/// `details.field`.
http_response invalid_field(std::string_view field, std::string_view message);

/// 400 `invalid_phone` for field `field`, with the parser's reason.
http_response invalid_phone(std::string_view field, std::string_view reason);

/// 415 `unsupported_media_type`, saying which Content-Type the route takes.
http_response unsupported_media_type(std::string_view expected);

/// 503 `overloaded` with Retry-After.
http_response overloaded_response(std::chrono::milliseconds retry_after);

/// The API error body for an engine failure: 404 `not_found`, 403 `opted_out`, 429
/// `rate_limited` (Retry-After), 429 `max_attempts_reached`, 503 `overloaded` (Retry-After),
/// 400 `invalid_request`, else 500 `internal`.
http_response failure_response(const engine_failure& failure);

} // namespace verity::net
