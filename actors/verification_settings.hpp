#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/channel_choice.hpp"
#include "engine/code.hpp"
#include "engine/fallback_policy.hpp"
#include "engine/retry_policy.hpp"
#include "engine/units.hpp"

namespace verity {

class country_channel_stats;
class metrics;

/// What the phone and message actors need to know, shared read-only by all of them.
struct verification_settings {
  std::chrono::milliseconds delivery_timeout{10'000};
  std::chrono::milliseconds code_ttl{15 * 60'000};
  std::uint32_t code_length = 6;
  std::uint32_t max_checks = 5;
  rate_limit send_limit{5, std::chrono::milliseconds{10 * 60'000}};
  fallback_policy fallback = fallback_policy::manual;
  std::string brand = "Verity";              ///< The service named in code messages.
  retry_policy retry;
  std::uint32_t max_attempts_per_channel = 3; ///< Twilio creates per channel, retries included.
  bool whatsapp_template = false;             ///< An approved template (ContentSid) is set.
  std::vector<std::uint8_t> secret;           ///< Server secret: routing keys.
  std::shared_ptr<const code_hasher> hasher;  ///< Keyed with the server secret: code digests.
  metrics* recorder = nullptr;                ///< Where events are counted; null: nowhere.
  channel_choice_rules channel_rules;         ///< How `channel: "auto"` chooses.
  /// Per-country WhatsApp outcomes for `channel: "auto"`; null: no country rule.
  std::shared_ptr<country_channel_stats> country_stats;
};

} // namespace verity
