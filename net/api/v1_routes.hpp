#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "net/api/router.hpp"
#include "net/api/secret_store.hpp"

namespace verity::net {

class actor_gateway;

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
void add_api_v1_routes(router& routes, std::shared_ptr<actor_gateway> engine,
                       api_v1_settings settings);

/// The verification handlers of API v1 for one kind of caller (the path parameter is `{id}`).
struct v1_verification_handlers {
  router::route_handler create; ///< POST /v1/verifications
  router::route_handler get;    ///< GET /v1/verifications/{id}
  router::route_handler resend; ///< POST /v1/verifications/{id}/resend
  router::route_handler check;  ///< POST /v1/verifications/{id}/check
};

/// The same handlers without the API key check, for routes that guard themselves (the demo
/// page's, behind per-address limits); their Idempotency-Keys are kept apart from every API
/// key's, and `settings.secrets` is not used.
v1_verification_handlers open_v1_handlers(std::shared_ptr<actor_gateway> engine,
                                          api_v1_settings settings);

} // namespace verity::net
