#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/channel_evidence.hpp"
#include "engine/code.hpp"
#include "engine/delivery_status.hpp"
#include "engine/fallback_policy.hpp"
#include "engine/id.hpp"

namespace verity {

/// The channel one message goes through.
enum class channel : std::uint8_t { whatsapp, sms };

/// "whatsapp" or "sms".
std::string_view to_string(channel via);

/// Parses "whatsapp" or "sms".
std::optional<channel> parse_channel(std::string_view text);

/// The channel a client asks for; `automatic` means WhatsApp first.
enum class channel_preference : std::uint8_t { automatic, whatsapp, sms };

/// "auto", "whatsapp" or "sms".
std::string_view to_string(channel_preference preference);

/// Parses "auto", "whatsapp" or "sms".
std::optional<channel_preference> parse_channel_preference(std::string_view text);

/// The first channel tried for a preference.
channel first_channel(channel_preference preference);

/// The lifecycle of a verification. Never reorder: the values are stored.
enum class verification_status : std::uint8_t {
  pending,              ///< A code is out; checks are accepted.
  approved,             ///< The right code was checked.
  expired,              ///< The code's lifetime ended.
  max_attempts_reached, ///< Too many wrong checks.
  canceled,             ///< Canceled by the client.
  failed,               ///< No channel could carry the code.
};

/// The API name, e.g. "max_attempts_reached".
std::string_view to_string(verification_status status);

/// Why a message was never handed to Twilio. Never reorder: the values are stored.
enum class not_sent_reason : std::uint8_t {
  none,        ///< It was handed to Twilio (or is still on its way).
  sender_rate, ///< Its sender's pace (messages per second) held it in Verity's queue.
  egress_busy, ///< Every connection to Twilio was busy: it waited in Verity's queue.
  send_limit,  ///< Verity's send limits (per phone, prefix, country, breaker) refused it.
};

/// The API name: "sender_rate", "egress_busy", "send_limit" ("" for none).
std::string_view to_string(not_sent_reason reason);

/// One outbound message: an attempt to deliver a verification's code over one channel.
struct message_record {
  message_id id;
  verification_id verification;
  std::string to;             ///< E.164 of the recipient.
  channel via = channel::whatsapp;
  std::string twilio_sid;     ///< "SM..."/"MM..." once Twilio answered, else "".
  delivery_state delivery;    ///< Status and first-seen times (the history).
  bool as_template = false;   ///< Sent as the approved WhatsApp template (ContentSid).
  std::uint16_t tries = 0;    ///< Create requests made so far (1 + retries).
  std::uint32_t create_error = 0; ///< Twilio code of a failed create request, 0 if none.
  /// Set when its delivery deadline passed while it still waited in Verity's own queue: it was
  /// withdrawn and never reached Twilio (its status reads `timed_out`).
  not_sent_reason not_sent = not_sent_reason::none;

  /// The Twilio error code that best explains a failure: the callback's, else the create's.
  std::uint32_t error_code() const;
};

/// A verification: one code for one phone, and the messages that carried it.
struct verification_record {
  verification_id id;
  std::string phone; ///< E.164.
  channel_preference preference = channel_preference::automatic;
  fallback_policy fallback = fallback_policy::manual;
  verification_status status = verification_status::pending;
  timestamp created_at;
  timestamp expires_at;
  std::uint32_t wrong_checks = 0;
  code_salt salt{};
  code_digest digest{}; ///< Keyed hash of the code; the code itself is never stored.
  std::vector<message_id> messages; ///< Attempts, oldest first.
  std::string locale;
  channel_reason why_channel = channel_reason::requested; ///< Why its first attempt's channel.
};

/// A verification with its attempts, as the API shows it.
struct verification_view {
  verification_record verification;
  std::vector<message_record> attempts; ///< In the order of `verification.messages`.

  /// The delivery state of the latest attempt (`created` when there is none yet).
  delivery_status latest_delivery() const;
};

/// The verification as it stood when its start was acknowledged: pending, no wrong check, only
/// its first attempt, which had reached Verity's `created` state and nothing more. The answer
/// to an idempotent start is rendered from it, so a retry after a restart gets the first
/// answer byte for byte however far the verification has moved since.
verification_view as_created(verification_view view);

/// What a code check answers.
struct check_result {
  verification_status status = verification_status::pending;
  bool valid = false;
  std::uint32_t attempts_left = 0;
};

/// What Verity remembers about a phone between verifications.
struct phone_record {
  std::string phone;                ///< E.164.
  bool opted_out = false;           ///< Sent STOP (or Twilio said 21610).
  std::optional<timestamp> whatsapp_window_until; ///< End of the 24-hour window, if open.
  /// Its latest WhatsApp outcomes, oldest first (at most `whatsapp_evidence_kept`): what
  /// `channel: "auto"` weighs (choose_channel in engine/channel_choice.hpp).
  std::vector<whatsapp_evidence> whatsapp_history;
  std::vector<timestamp> recent_sends; ///< Send times within the send-limit window.
  /// The verification started last for this phone: the one a code sent with only the phone
  /// (the compatibility API's verify-code) is checked against, after a restart too.
  std::optional<verification_id> latest_verification;
};

/// A code checked against the latest verification of a phone: the compatibility API's clients
/// name the phone, not the verification.
struct phone_code_check {
  std::string phone; ///< E.164.
  std::string code;
};

/// The answer to a `phone_code_check`: the verification it was checked against, and how.
struct phone_check_result {
  verification_id id;
  check_result result;
};

/// How a code checked against a verification that has ended (no longer pending) is answered.
enum class ended_check_outcome : std::uint8_t {
  confirmed_again, ///< Approved with this very code, within its lifetime: valid again.
  wrong_code,      ///< Approved, but not with this code: one more wrong check is counted.
  max_attempts,    ///< Locked by wrong checks.
  not_found,       ///< Expired, canceled, failed, or past its lifetime.
};

/// Decides a check of `record` (not pending) at `now`, given whether the code matches its
/// digest. An approved code stays confirmable until the code's lifetime ends, so a client whose
/// follow-up failed after the approval (the compatibility API's verified hook) can ask again;
/// wrong codes count against `max_checks` as before the approval, so this opens no guessing.
ended_check_outcome check_ended(const verification_record& record, bool code_matches,
                                timestamp now, std::uint32_t max_checks);

} // namespace verity
