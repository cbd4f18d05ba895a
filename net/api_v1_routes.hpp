#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "net/secret_store.hpp"

namespace verity::net {

class engine_client;
class router;

/// What API v1 needs besides the engine.
struct api_v1_settings {
  std::shared_ptr<const secret_store> secrets; ///< VERITY_API_KEYS; none: every request 401.
  std::size_t idempotency_capacity = 100'000; ///< Idempotency keys remembered.
  std::chrono::milliseconds idempotency_ttl{24 * 3'600'000}; ///< How long each is remembered.
};

/// Adds the verification routes of API v1, each behind the Bearer API key check:
/// POST /v1/verifications (Idempotency-Key honoured), GET /v1/verifications/{id} (long poll
/// with ?wait=<s>&seen=<state>), POST /v1/verifications/{id}/resend and
/// POST /v1/verifications/{id}/check.
void add_api_v1_routes(router& routes, std::shared_ptr<engine_client> engine,
                       api_v1_settings settings);

} // namespace verity::net
