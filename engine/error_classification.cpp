#include "engine/error_classification.hpp"

#include <algorithm>
#include <array>
#include <optional>

namespace verity {

namespace {

/// One row of PROTOCOL.md's table: a code, what it means, and the engine's reaction.
struct known_error {
  std::uint32_t code;
  error_reaction reaction;
  std::string_view description;
};

constexpr std::array known_errors = {
  known_error{20003, error_reaction::fail, "Authentication failed"},
  known_error{20429, error_reaction::retry, "Too many requests"},
  known_error{21205, error_reaction::fail, "Invalid URL or recipient"},
  known_error{21211, error_reaction::fail, "Invalid 'To' phone number"},
  known_error{21610, error_reaction::opt_out, "Recipient unsubscribed (STOP)"},
  known_error{21611, error_reaction::retry, "Sender queue is full"},
  known_error{21612, error_reaction::fail, "Cannot route to this number"},
  known_error{21614, error_reaction::fail, "'To' number is not a mobile number"},
  known_error{21654, error_reaction::fail, "ContentSid is required with ContentVariables"},
  known_error{30001, error_reaction::retry, "Queue overflow"},
  known_error{30003, error_reaction::delivery_failed, "Unreachable destination handset"},
  known_error{30004, error_reaction::delivery_failed, "Message blocked"},
  known_error{30005, error_reaction::delivery_failed, "Unknown destination handset"},
  known_error{30006, error_reaction::delivery_failed, "Landline or unreachable carrier"},
  known_error{30007, error_reaction::delivery_failed, "Message filtered by the carrier"},
  known_error{30008, error_reaction::delivery_failed, "Unknown error"},
  known_error{30036, error_reaction::delivery_failed, "Validity period expired"},
  known_error{63003, error_reaction::fall_back, "Channel could not find the To address"},
  known_error{63016, error_reaction::resend_as_template,
              "Outside the WhatsApp 24-hour window: template required"},
  known_error{63018, error_reaction::retry, "WhatsApp rate limit exceeded"},
};

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

} // namespace verity
