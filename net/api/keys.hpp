#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/api/secret_store.hpp"
#include "net/http/message.hpp"

namespace verity::net {

/// Checks the `Authorization: Bearer <key>` of API v1 requests against the configured keys,
/// comparing every key in constant time (no early exit), so timing reveals nothing about them.
class api_key_checker {
public:
  /// A checker for the API keys `secrets` holds at each request (VERITY_API_KEYS, reloaded on
  /// SIGHUP); with none, every request is refused.
  explicit api_key_checker(std::shared_ptr<const secret_store> secrets);

  /// The index of the key the request presents, or nothing when it presents no valid key.
  std::optional<std::size_t> match(const http_request& request) const;

private:
  std::shared_ptr<const secret_store> secrets_;
};

/// 401 `unauthorized` with `WWW-Authenticate: Bearer`.
http_response unauthorized_response();

} // namespace verity::net
