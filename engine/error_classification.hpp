#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace verity {

/// What the engine does about a Twilio error (see PROTOCOL.md, "Error codes that decide what
/// the engine does").
enum class error_reaction {
  retry,              ///< Throttled or transient: retry with backoff within the code's lifetime.
  fail,               ///< Permanent for this message: no retry.
  opt_out,            ///< The recipient unsubscribed (STOP): fail and mark the phone opted out.
  resend_as_template, ///< WhatsApp outside the 24-hour window: resend as the approved template.
  fall_back,          ///< WhatsApp is impossible for this number: fall back to SMS.
  delivery_failed,    ///< The carrier did not deliver: the fallback policy decides.
};

/// The name of a reaction, e.g. "resend_as_template" (a bounded metric label).
std::string_view to_string(error_reaction reaction);

/// Classifies the answer to a create-message request. `http_status` is 0 when no HTTP answer
/// came (connect failure, timeout); `twilio_code` is the `code` of Twilio's error body, 0 if
/// none. Codes decide before HTTP statuses; unknown 4xx answers are permanent.
error_reaction classify_create_error(int http_status, std::uint32_t twilio_code);

/// Classifies the `ErrorCode` of a `failed` or `undelivered` status callback.
error_reaction classify_callback_error(std::uint32_t twilio_code);

/// Every Twilio error code the engine knows (its one error table, with Twilio's messaging,
/// delivery and WhatsApp codes): a bounded metric label set.
std::vector<std::uint32_t> known_twilio_error_codes();

/// A short description of a Twilio error code for stats and logs ("" when unknown).
std::string_view describe_twilio_error(std::uint32_t twilio_code);

/// Whether sending again later may succeed after Twilio error `twilio_code`; nothing when the
/// code is unknown. Agrees with the classification: a code the engine retries is retryable, a
/// code it fails for good (or opts the phone out for) is not.
std::optional<bool> is_retryable_twilio_error(std::uint32_t twilio_code);

} // namespace verity
