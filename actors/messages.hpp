#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "engine/delivery_status.hpp"
#include "engine/id.hpp"
#include "engine/keywords.hpp"
#include "engine/records.hpp"
#include "engine/verification.hpp"

namespace verity {

/// A request to start a verification, as the HTTP layer hands it over (phone already
/// normalised to E.164).
struct verification_request {
  std::string phone;
  channel_preference preference = channel_preference::automatic;
  std::optional<fallback_policy> fallback; ///< Absent: the configured policy.
  std::string locale;
  /// Set when the request carries an Idempotency-Key (scoped, see `idempotency_record`): the
  /// key is stored in the same write as the verification itself, so no crash can keep one
  /// without the other (a retry would send a second code).
  std::string idempotency_key{};
  std::string idempotency_fingerprint{}; ///< With `idempotency_key`: the hash of the body.
};

/// A long-poll read: answer at once if the latest delivery state differs from `seen`, else
/// when it changes or `wait` ends. `wait` 0 answers at once.
struct verification_query {
  verification_id id;
  std::chrono::milliseconds wait{0};
  std::optional<delivery_status> seen;
};

/// A Twilio status callback, signature already checked.
struct status_callback {
  message_id message;          ///< From the StatusCallback URL Verity set.
  std::string phone;           ///< E.164 of the recipient (`To`, without "whatsapp:"): routes it.
  std::string twilio_sid;      ///< MessageSid.
  delivery_status status = delivery_status::queued;
  std::uint32_t error_code = 0;
  timestamp at;                ///< When the callback reached Verity.
};

/// An inbound message (signature already checked): opt-out keywords, and WhatsApp's window.
struct inbound_message {
  std::string phone; ///< E.164 of the sender.
  bool whatsapp = false;
  inbound_action action = inbound_action::none;
  timestamp at;
};

/// One message for the Twilio client to create.
struct outbound_message {
  message_id id;
  channel via = channel::whatsapp;
  std::string to;   ///< E.164 (the client adds "whatsapp:").
  std::string body; ///< Free-form text (ignored when `as_template`).
  bool as_template = false;
  std::string code; ///< The code, for the template's variable. Memory only, never logged.
};

/// What Twilio answered to a create request.
struct create_result {
  int http_status = 0;           ///< 0 when no HTTP answer came (connect failure, timeout).
  std::uint32_t error_code = 0;  ///< `code` of Twilio's error body, 0 if none.
  std::string error_message;
  std::string sid;               ///< The message SID on success.
  delivery_status status = delivery_status::queued; ///< Initial status on success.
  std::chrono::milliseconds retry_after{0}; ///< From a Retry-After header, 0 if none.
  bool withdrawn = false; ///< Withdrawn from Verity's queue before it reached Twilio.

  /// True when Twilio created the message (HTTP 201).
  bool created() const { return http_status == 201; }
};

} // namespace verity
