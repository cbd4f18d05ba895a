#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "engine/delivery_status.hpp"
#include "engine/form.hpp"

/// The Twilio simulator's CreateMessage rules and answers, as pure functions: authentication,
/// parameter checks with Twilio's error codes, the message resource and the error body.
namespace verity::net {

/// An error the way Twilio's Messages API answers it.
struct twilio_error {
  int http_status = 400;
  std::uint32_t code = 0;
  std::string message;
};

/// The legacy error body: {"code", "message", "more_info", "status"}.
std::string twilio_error_body(const twilio_error& error);

/// Checks a request's `Authorization` header and the AccountSid of its path against the
/// simulator's account: 20003 (HTTP 401) for missing or wrong credentials or another
/// account's path, 20404 (HTTP 404) for a path SID that is not "AC" + 32 hex digits.
std::optional<twilio_error> check_account(std::string_view authorization,
                                          std::string_view path_sid,
                                          std::string_view account_sid,
                                          std::string_view auth_token);

/// A CreateMessage request that passed every check.
struct create_request {
  std::string to;                    ///< As sent, e.g. "whatsapp:+15552229999".
  std::string to_e164;               ///< Without "whatsapp:", canonical E.164.
  std::string from;                  ///< As sent, or "" with a Messaging Service.
  std::string messaging_service_sid; ///< Or "".
  std::string body;                  ///< Or "".
  std::string content_sid;           ///< Or "".
  std::string content_variables;     ///< ContentVariables as sent, or "".
  std::string status_callback;       ///< Or "".
  bool whatsapp = false;
};

/// Checks the form fields as Twilio does: To (21604), From or MessagingServiceSid (21603,
/// 21701), Body or ContentSid or MediaUrl (21602, Body over 1600 characters: 21617),
/// ContentSid pattern (21655), ContentVariables only with ContentSid (21654) and a JSON object
/// (21656), StatusCallback an http(s) URL (21609), To a valid number (21211), To and From on
/// the same channel (21910).
tl::expected<create_request, twilio_error> check_create(const form_params& params);

/// A message the simulator created.
struct sim_message {
  std::string sid;
  std::string account_sid;
  create_request request;
  std::string from;       ///< The sender it goes out from (chosen by the service if none).
  delivery_status status = delivery_status::queued;
  std::chrono::system_clock::time_point created;
};

/// The message resource of the 201 answer, shaped as the spec's examples.
std::string message_resource_json(const sim_message& message);

/// RFC 2822 date as Twilio writes it: "Thu, 24 Aug 2023 05:01:45 +0000".
std::string rfc2822_date(std::chrono::system_clock::time_point at);

/// A fresh SID: `prefix` + 32 lower-case hex digits from the CSPRNG.
std::string random_sid(std::string_view prefix);

} // namespace verity::net
