#include "engine/error_classification.hpp"

#include <algorithm>
#include <array>
#include <optional>

namespace verity {

namespace {

/// One row of the error table: a code, Twilio's description of it, whether sending again
/// later may succeed, and the engine's reaction. The codes and texts follow Twilio's error
/// dictionary (https://www.twilio.com/docs/api/errors); the reactions PROTOCOL.md's table.
struct known_error {
  std::uint32_t code;
  error_reaction reaction;
  bool retryable;
  std::string_view description;
};

using er = error_reaction;

// clang-format off
/// The one table: descriptions, retryability and reactions all come from it. Sorted by code.
constexpr std::array known_errors = {
  // REST API errors a create request can answer.
  known_error{20003, er::fail, false, "Authentication failed"},
  known_error{20404, er::fail, false, "The requested resource was not found"},
  known_error{20429, er::retry, true, "Too many requests"},
  known_error{20500, er::retry, true, "Twilio internal server error"},
  known_error{20503, er::retry, true, "Twilio service unavailable"},
  // Programmable Messaging errors answered to a create request (21xxx).
  known_error{21205, er::fail, false, "Invalid URL or recipient"},
  known_error{21211, er::fail, false, "Invalid 'To' phone number"},
  known_error{21212, er::fail, false, "Invalid 'From' phone number"},
  known_error{21214, er::fail, false, "'To' phone number cannot be reached"},
  known_error{21217, er::fail, false, "Phone number does not appear to be valid"},
  known_error{21219, er::fail, false, "'To' phone number not verified (trial account)"},
  known_error{21401, er::fail, false, "Invalid phone number"},
  known_error{21408, er::fail, false, "Sending to this region is not enabled for the account"},
  known_error{21602, er::fail, false, "Message body is required"},
  known_error{21603, er::fail, false, "'From' phone number is required"},
  known_error{21604, er::fail, false, "'To' phone number is required"},
  known_error{21606, er::fail, false, "'From' number is not a message-capable Twilio number"},
  known_error{21608, er::fail, false, "Trial accounts can send only to verified numbers"},
  known_error{21610, er::opt_out, false, "Recipient unsubscribed (STOP)"},
  known_error{21611, er::retry, true, "Sender queue is full"},
  known_error{21612, er::fail, false, "Cannot route to this number"},
  known_error{21614, er::fail, false, "'To' number is not a mobile number"},
  known_error{21617, er::fail, false, "Message body exceeds the 1600-character limit"},
  known_error{21635, er::fail, false, "'To' number cannot be a landline"},
  known_error{21654, er::fail, false, "ContentSid is required with ContentVariables"},
  known_error{21656, er::fail, false, "ContentVariables are invalid"},
  known_error{21660, er::fail, false, "'From' number does not belong to the account"},
  // Delivery errors reported by status callbacks (30001 to 30044).
  known_error{30001, er::retry, true, "Queue overflow"},
  known_error{30002, er::delivery_failed, false, "Account suspended"},
  known_error{30003, er::delivery_failed, true, "Unreachable destination handset"},
  known_error{30004, er::delivery_failed, false, "Message blocked"},
  known_error{30005, er::delivery_failed, false, "Unknown destination handset"},
  known_error{30006, er::delivery_failed, false, "Landline or unreachable carrier"},
  known_error{30007, er::delivery_failed, false, "Message filtered by the carrier"},
  known_error{30008, er::delivery_failed, true, "Unknown error"},
  known_error{30009, er::delivery_failed, true, "Missing segment"},
  known_error{30010, er::delivery_failed, false, "Message price exceeds the max price"},
  known_error{30017, er::delivery_failed, true, "Carrier network congestion"},
  known_error{30018, er::delivery_failed, false,
              "Destination carrier requires sender ID pre-registration"},
  known_error{30022, er::delivery_failed, true, "US A2P 10DLC: rate limits exceeded"},
  known_error{30023, er::delivery_failed, true, "US A2P 10DLC: daily message cap reached"},
  known_error{30024, er::delivery_failed, false, "Numeric sender ID not provisioned on carrier"},
  known_error{30027, er::delivery_failed, true,
              "US A2P 10DLC: T-Mobile daily message limit reached"},
  known_error{30032, er::delivery_failed, false, "Toll-free number has not been verified"},
  known_error{30034, er::delivery_failed, false, "US A2P 10DLC: message from an unregistered number"},
  known_error{30036, er::delivery_failed, true, "Validity period expired"},
  known_error{30037, er::delivery_failed, false, "Outbound messaging disabled"},
  known_error{30038, er::delivery_failed, false, "OTP message body filtered"},
  // WhatsApp errors (63xxx).
  known_error{63001, er::delivery_failed, false, "Channel could not authenticate the request"},
  known_error{63003, er::fall_back, false, "Channel could not find the To address"},
  known_error{63005, er::delivery_failed, false, "Channel did not accept the given content"},
  known_error{63007, er::delivery_failed, false, "No WhatsApp channel found for the From address"},
  known_error{63010, er::delivery_failed, true, "Twilio internal error processing the message"},
  known_error{63012, er::delivery_failed, true, "Channel provider returned an internal error"},
  known_error{63013, er::delivery_failed, false, "Channel policy violation"},
  known_error{63016, er::resend_as_template, false,
              "Outside the WhatsApp 24-hour window: template required"},
  known_error{63018, er::retry, true, "WhatsApp rate limit exceeded"},
  known_error{63019, er::delivery_failed, true, "Media failed to download"},
  known_error{63020, er::delivery_failed, false, "WhatsApp Business Manager account error"},
  known_error{63021, er::delivery_failed, false, "Channel invalid content error"},
  known_error{63022, er::delivery_failed, false, "Invalid WhatsApp sender display name certificate"},
  known_error{63024, er::delivery_failed, false, "Invalid message recipient"},
  known_error{63027, er::delivery_failed, false, "Template does not exist for this language"},
  known_error{63028, er::delivery_failed, false,
              "Template parameters do not match the expected number"},
  known_error{63030, er::delivery_failed, false, "Unsupported parameter for this channel"},
  known_error{63032, er::delivery_failed, false,
              "WhatsApp withheld the message: recipient in a WhatsApp experiment"},
};
// clang-format on

/// True when a row's retryable flag agrees with its reaction: what the engine retries is
/// retryable, what it fails for good (or opts out) is not.
constexpr bool consistent(const known_error& row) {
  switch (row.reaction) {
    case er::retry:
      return row.retryable;
    case er::fail:
    case er::opt_out:
      return !row.retryable;
    case er::resend_as_template:
    case er::fall_back:
    case er::delivery_failed:
      return true;
  }
  return false;
}

/// True when every row is consistent and the codes are strictly ascending (no duplicates).
constexpr bool table_is_sound() {
  for (std::size_t i = 0; i < known_errors.size(); ++i)
    if (!consistent(known_errors[i]) || (i > 0 && known_errors[i - 1].code >= known_errors[i].code))
      return false;
  return true;
}

static_assert(table_is_sound(), "the error table contradicts itself");

std::optional<known_error> find_known(std::uint32_t code) {
  auto found = std::find_if(known_errors.begin(), known_errors.end(),
                            [code](const known_error& row) { return row.code == code; });
  if (found == known_errors.end())
    return std::nullopt;
  return *found;
}

} // namespace

std::string_view to_string(error_reaction reaction) {
  switch (reaction) {
    case error_reaction::retry:
      return "retry";
    case error_reaction::fail:
      return "fail";
    case error_reaction::opt_out:
      return "opt_out";
    case error_reaction::resend_as_template:
      return "resend_as_template";
    case error_reaction::fall_back:
      return "fall_back";
    case error_reaction::delivery_failed:
      return "delivery_failed";
  }
  return "unknown";
}

error_reaction classify_create_error(int http_status, std::uint32_t twilio_code) {
  if (auto known = find_known(twilio_code))
    return known->reaction;
  if (http_status == 0 || http_status == 429 || http_status >= 500)
    return error_reaction::retry;
  return error_reaction::fail;
}

error_reaction classify_callback_error(std::uint32_t twilio_code) {
  if (auto known = find_known(twilio_code))
    return known->reaction;
  return error_reaction::delivery_failed;
}

std::vector<std::uint32_t> known_twilio_error_codes() {
  std::vector<std::uint32_t> codes;
  for (const auto& row : known_errors)
    codes.push_back(row.code);
  return codes;
}

std::string_view describe_twilio_error(std::uint32_t twilio_code) {
  if (auto known = find_known(twilio_code))
    return known->description;
  return {};
}

std::optional<bool> is_retryable_twilio_error(std::uint32_t twilio_code) {
  if (auto known = find_known(twilio_code))
    return known->retryable;
  return std::nullopt;
}

} // namespace verity
