#pragma once

#include <chrono>
#include <cstddef>
#include <memory>

#include "engine/units.hpp"

namespace verity::net {

class actor_gateway;
class router;
class verified_hook;

/// What the compatibility API needs besides the engine.
struct compat_settings {
  rate_limit ip_limit{120, std::chrono::milliseconds{60'000}}; ///< VERITY_IP_LIMIT.
  std::chrono::milliseconds send_wait{10'000}; ///< Longest wait for Twilio's create answer.
  std::size_t index_capacity = 100'000;        ///< Phones and messages remembered.
  std::chrono::milliseconds index_ttl{15 * 60'000}; ///< How long (the code's lifetime).
  std::shared_ptr<verified_hook> hook{}; ///< VERITY_COMPAT_VERIFIED_HOOK; null: none.
};

/// Adds the seed application's routes with its own JSON shapes, each limited per client
/// address (429 beyond VERITY_IP_LIMIT), numbers without '+' read as US numbers:
/// - POST /api/referrals/send-verification {"phone", "method"}: starts a verification, then
///   waits (at most `send_wait`) until Twilio answered the create request, so that the answer
///   carries the Twilio SID or the synchronous failure. Should Twilio not answer in time, the
///   answer carries the message id instead, which delivery-status accepts as well.
/// - GET /api/referrals/delivery-status/{messageSid}: the message's delivery state.
/// - POST /api/referrals/verify-code {"phone", "code"}: checks the phone's latest code; once
///   approved, calls the verified hook (if any) and merges its answer (502 if it fails).
/// The status callback alias /api/referrals/sms-status-callback is a webhook route.
void add_compat_routes(router& routes, std::shared_ptr<actor_gateway> engine,
                       compat_settings settings);

} // namespace verity::net
