#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

namespace verity {

/// The fields of an application/x-www-form-urlencoded body, decoded, in body order; a repeated
/// key appears once per occurrence (Twilio signs over every value).
using form_params = std::vector<std::pair<std::string, std::string>>;

/// Decodes an application/x-www-form-urlencoded body: pairs split on '&', '+' is a space, %XX
/// is a byte (either hex case). An empty body gives no params, empty pairs ("a=1&&b=2") are
/// skipped, a pair without '=' is a key with an empty value. Decoded bytes are kept as they are
/// (no UTF-8 check). A '%' not followed by two hex digits is an error whose text says where.
/// Never throws (beyond allocation failure).
[[nodiscard]] tl::expected<form_params, std::string> parse_form(std::string_view body);

/// Encodes params as an application/x-www-form-urlencoded body, in the given order: RFC 3986
/// unreserved characters (A-Z a-z 0-9 - . _ ~) are kept, a space becomes '+', every other byte
/// becomes %XX with upper-case hex. For Twilio request bodies (egress and the simulator).
[[nodiscard]] std::string encode_form(const form_params& params);

/// The value of the first param named `key`, or nothing if there is none. The view points into
/// `params`.
[[nodiscard]] std::optional<std::string_view> find_param(const form_params& params,
                                                         std::string_view key);

} // namespace verity
