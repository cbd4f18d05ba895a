#pragma once

// The follow-up policy: what Verity does after an attempt to deliver a code failed or timed out.

#include <cstddef>
#include <cstdint>

#include "engine/verification.hpp"

namespace verity {

/// What to do after a message failed (decided once per failed message).
enum class failure_followup {
  nothing,      ///< Wait for the client (manual fallback), or no other channel (none).
  same_channel, ///< Transient: a new attempt over the same channel.
  as_template,  ///< Outside the WhatsApp window: a new attempt as the approved template.
  sms_fallback, ///< Automatic fallback: the same code by SMS, now.
};

/// What the policy knows of a failed attempt.
struct failed_attempt {
  channel via = channel::whatsapp; ///< The channel it went over.
  bool timed_out = false;          ///< No confirmation by the delivery deadline (else: failed).
  std::uint32_t error_code = 0;    ///< Twilio's code for the failure, 0 if none.
  bool as_template = false;        ///< It already was the approved WhatsApp template.
  bool latest = true;              ///< No newer attempt of its verification exists.
  std::size_t attempts_over_channel = 1; ///< Attempts over `via` so far, this one included.
  bool refused = false; ///< Verity's send limits refused it (never sent): nothing follows.
};

/// What the policy knows of the verification and the configuration.
struct followup_rules {
  fallback_policy fallback = fallback_policy::manual; ///< The verification's policy.
  bool fell_back = false; ///< The automatic fallback already sent its SMS: never again.
  std::uint32_t max_attempts_per_channel = 3; ///< Attempts allowed over one channel.
  bool whatsapp_template = false;             ///< An approved template (ContentSid) is set.
};

/// The follow-up a failed attempt calls for. Only the latest attempt has one (a newer attempt is
/// already on its way, so a late failure of an older one sends nothing), and one the send
/// limits refused has none (any other send to the phone would meet the same limits). A transient error is
/// retried over the same channel and 63016 (outside the WhatsApp window) is resent as the
/// template, both while the channel has attempts left; otherwise a WhatsApp failure or timeout
/// falls back to SMS once under the automatic policy, and nothing happens under `manual` (the
/// client offers the SMS) or `none`.
failure_followup decide_followup(const failed_attempt& attempt, const followup_rules& rules);

} // namespace verity
