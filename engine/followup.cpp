#include "engine/followup.hpp"

#include "engine/error_classification.hpp"

namespace verity {

failure_followup decide_followup(const failed_attempt& attempt, const followup_rules& rules) {
  if (!attempt.latest || attempt.refused)
    return failure_followup::nothing; // a newer attempt is on its way, or the limits hold
  auto reaction = attempt.timed_out ? error_reaction::delivery_failed
                                    : classify_callback_error(attempt.error_code);
  bool room = attempt.attempts_over_channel < rules.max_attempts_per_channel;
  if (reaction == error_reaction::retry && room)
    return failure_followup::same_channel;
  if (reaction == error_reaction::resend_as_template && rules.whatsapp_template
      && !attempt.as_template && room)
    return failure_followup::as_template;
  bool automatic = rules.fallback == fallback_policy::automatic;
  if (automatic && attempt.via == channel::whatsapp && !rules.fell_back)
    return failure_followup::sms_fallback;
  return failure_followup::nothing;
}

} // namespace verity
