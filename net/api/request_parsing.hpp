#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>
#include <tl/expected.hpp>

#include "net/http/message.hpp"

namespace verity::net {

/// True when the request's Content-Type names `media_type` (case-insensitive; parameters
/// such as "; charset=utf-8" are ignored).
bool has_media_type(const http_request& request, std::string_view media_type);

/// The token of an `Authorization: Bearer <token>` header ("" when there is none).
std::string_view bearer_token(const http_request& request);

/// Parses a body that must be one JSON object. Refuses, with a sentence for the client:
/// an empty body, invalid or truncated JSON, another JSON type, and nesting deeper than 32
/// levels (checked before parsing, so no input can exhaust the stack). Never throws.
tl::expected<nlohmann::json, std::string> parse_json_object(std::string_view body);

/// Reads string field `name` of a JSON object: nothing when absent or null, an error sentence
/// naming the field when it holds another type.
tl::expected<std::optional<std::string>, std::string> string_field(const nlohmann::json& object,
                                                                   std::string_view name);

/// Writes JSON for a response body. Text that is not valid UTF-8 is replaced, never thrown on.
std::string to_body(const nlohmann::json& value);

} // namespace verity::net
