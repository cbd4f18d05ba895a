#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/form.hpp"

namespace verity::net {

/// Decodes %XX escapes in a path segment ('+' stays '+', as paths use it literally: E.164
/// numbers). Returns nothing when a '%' is not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view segment);

/// The decoded parameters of a query string ("a=1&b=x+y"); nothing when it is malformed.
std::optional<form_params> parse_query(std::string_view query);

} // namespace verity::net
