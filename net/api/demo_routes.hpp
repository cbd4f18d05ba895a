#pragma once

#include <chrono>
#include <cstddef>
#include <memory>

#include "engine/units.hpp"

namespace verity::net {

class actor_gateway;
class router;
class simulated_phones;

/// What the demo page's routes need besides the engine.
struct demo_settings {
  rate_limit ip_limit{120, std::chrono::milliseconds{60'000}}; ///< VERITY_IP_LIMIT.
  std::size_t idempotency_capacity = 100'000;                  ///< As API v1's.
  std::chrono::milliseconds idempotency_ttl{24 * 3'600'000};
  /// The built-in simulator's phones; null with real Twilio, where no code is ever shown.
  std::shared_ptr<const simulated_phones> inbox;
  /// Verifications the demo created that it remembers (their simulated messages only are
  /// shown), and for how long (VERITY_CODE_TTL: no code is of use longer).
  std::size_t remembered = 100'000;
  std::chrono::milliseconds remember_for{15 * 60'000};
  /// VERITY_DELIVERY_TIMEOUT: the page counts down to each attempt's deadline.
  std::chrono::milliseconds delivery_timeout{10'000};
};

/// Adds the verification demo (VERITY_DEMO): the page's files at /demo/ (static_routes) and
/// its API, which holds no API key and is limited per client address like the compatibility
/// API (429 `rate_limited` beyond VERITY_IP_LIMIT). The API has v1's semantics and shapes:
/// - POST /demo/api/verifications, GET /demo/api/verifications/{id}[?wait=&seen=],
///   POST /demo/api/verifications/{id}/resend and .../check, as their /v1 counterparts;
/// - with the simulator only (no such route with real Twilio: 404),
///   GET /demo/api/verifications/{id}/simulated-message: the text the simulated phone received
///   for the latest delivered attempt ({"simulated": true, "channel", "text"}), or 404
///   `not_found` while none was delivered, and for every verification the demo's own create
///   route did not start (or started longer ago than `remember_for`).
/// - GET /demo/api/settings: what the page shows of the configuration,
///   {"delivery_timeout_ms": N}.
/// Answers of the API are never cached (`Cache-Control: no-store`).
void add_demo_routes(router& routes, std::shared_ptr<actor_gateway> engine,
                     demo_settings settings);

} // namespace verity::net
