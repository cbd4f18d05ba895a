#pragma once

#include <string>

#include <tl/expected.hpp>

#include "actors/messages.hpp"
#include "engine/form.hpp"
#include "engine/verification.hpp"
#include "net/http/curl_multi.hpp"

namespace verity::net {

/// The WhatsApp sandbox sender, limited by Twilio to one message every 3 s.
inline constexpr const char* whatsapp_sandbox_sender = "whatsapp:+14155238886";

/// Where and as whom Verity talks to Twilio, and what goes into every message it creates.
struct twilio_account {
  std::string api_base;              ///< "https://api.twilio.com" (no trailing '/').
  std::string account_sid;           ///< "AC" + 32 hex digits.
  std::string auth_token;            ///< Secret.
  std::string sms_from;              ///< SMS sender in E.164, or "".
  std::string whatsapp_from;         ///< WhatsApp sender in E.164 (no "whatsapp:"), or "".
  std::string messaging_service_sid; ///< "MG...": sent instead of `From` when set.
  std::string whatsapp_template_sid; ///< "HX...": the approved OTP template, or "".
  std::string public_url;            ///< Verity's public base URL (no trailing '/').
};

/// The sender `via` goes out from: the `From` address ("whatsapp:+1415...", "+1201...") or,
/// with a Messaging Service, its SID; "" when none is configured. Egress is paced per sender.
std::string sender_of(const twilio_account& account, channel via);

/// The StatusCallback URL of a message:
/// "{public_url}/v1/webhooks/twilio/status?message_id=MS...".
std::string status_callback_url(const twilio_account& account, const message_id& id);

/// The CreateMessage form fields for `message` (PROTOCOL.md, "Create a message"): To, From or
/// MessagingServiceSid, Body or ContentSid + ContentVariables ({"1":"<code>"}), StatusCallback;
/// WhatsApp addresses carry "whatsapp:" on both sides. Fails, saying why, when the account has
/// no sender for the message's channel or a template is asked for and none is configured.
tl::expected<form_params, std::string> create_message_params(const twilio_account& account,
                                                             const outbound_message& message);

/// The HTTP request that creates a message with `params`: POST
/// {api_base}/2010-04-01/Accounts/{sid}/Messages.json, Basic auth, Accept: application/json,
/// a form body.
http_call create_message_call(const twilio_account& account, const form_params& params);

/// Reads Twilio's answer to a create request: the message resource of a 201 (sid, status),
/// else the error body's code and message and the Retry-After header; a transport failure
/// gives http_status 0 with libcurl's message. A 201 whose body cannot be read keeps
/// http_status 201 (the message exists: never create it again) with an empty sid and
/// error_message saying why.
create_result read_create_response(const http_outcome& outcome);

} // namespace verity::net
