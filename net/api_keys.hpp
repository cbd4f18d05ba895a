#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "net/http_message.hpp"

namespace verity::net {

/// Checks the `Authorization: Bearer <key>` of API v1 requests against the configured keys,
/// comparing every key in constant time (no early exit), so timing reveals nothing about them.
class api_key_checker {
public:
  /// A checker for `keys` (VERITY_API_KEYS); with none, every request is refused.
  explicit api_key_checker(std::vector<std::string> keys);

  /// The index of the key the request presents, or nothing when it presents no valid key.
  std::optional<std::size_t> match(const http_request& request) const;

private:
  std::vector<std::string> keys_;
};

/// 401 `unauthorized` with `WWW-Authenticate: Bearer`.
http_response unauthorized_response();

} // namespace verity::net
