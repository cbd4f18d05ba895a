#include "net/api/webhook_routes.hpp"

#include <cctype>
#include <charconv>
#include <optional>

#include <spdlog/spdlog.h>

#include "engine/clock.hpp"
#include "engine/form.hpp"
#include "engine/keywords.hpp"
#include "engine/metrics.hpp"
#include "engine/phone.hpp"
#include "engine/twilio_signature.hpp"
#include "net/api/actor_gateway.hpp"
#include "net/api/errors.hpp"
#include "net/api/request_parsing.hpp"
#include "net/api/router.hpp"
#include "net/api/uri.hpp"

namespace verity::net {

namespace {

/// What the webhook routes share.
struct webhook_state {
  std::shared_ptr<actor_gateway> engine;
  webhook_settings settings;
  twilio_public_url signed_base; ///< settings.public_url, parsed once for every signature.
};

using state_ptr = std::shared_ptr<webhook_state>;

/// A webhook route, run with the request's verified form parameters.
using webhook_handler = void (*)(const state_ptr& state, const http_request& request,
                                 form_params params, responder respond);

/// At most 40 visible ASCII characters of a value Twilio sent, safe to log.
std::string printable(std::string_view text) {
  std::string shown;
  for (char c : text.substr(0, 40))
    shown.push_back(std::isprint(static_cast<unsigned char>(c)) != 0 ? c : '?');
  return shown;
}

/// The form parameters of a request whose Twilio signature is valid, or the error to answer.
tl::expected<form_params, http_response> signed_form(const webhook_state& state,
                                                     const http_request& request) {
  if (!has_media_type(request, "application/x-www-form-urlencoded"))
    return tl::make_unexpected(unsupported_media_type("application/x-www-form-urlencoded"));
  auto signature = request.header("X-Twilio-Signature");
  if (signature.empty())
    return tl::make_unexpected(
      error_response(400, "invalid_request", "The X-Twilio-Signature header is missing."));
  auto params = parse_form(request.body);
  if (!params)
    return tl::make_unexpected(
      error_response(400, "invalid_request", "The form body is malformed: " + params.error()));
  if (!validate_twilio_signature(signature, state.signed_base, request.target, *params,
                                 request.body,
                                 state.settings.secrets->current()->callback_tokens()))
    return tl::make_unexpected(
      error_response(403, "invalid_signature", "The X-Twilio-Signature does not match."));
  return std::move(*params);
}

router::route_handler verified(state_ptr state, webhook_handler handler) {
  return [state = std::move(state), handler](const http_request& request, responder respond) {
    auto params = signed_form(*state, request);
    if (!params && params.error().status == 403 && state->settings.recorder != nullptr)
      state->settings.recorder->callback(callback_result::bad_signature);
    if (!params)
      return respond(std::move(params.error()));
    handler(state, request, std::move(*params), std::move(respond));
  };
}

http_response empty_ok() {
  return {200, "text/plain", "", {}};
}

/// A status Twilio reports (the engine's own `created` and `timed_out` are never Twilio's).
std::optional<delivery_status> twilio_status(std::string_view text) {
  auto status = parse_delivery_status(text);
  if (status == delivery_status::created || status == delivery_status::timed_out)
    return std::nullopt;
  return status;
}

/// The ErrorCode parameter, 0 when absent or not a number.
std::uint32_t error_code_of(const form_params& params) {
  auto text = find_param(params, "ErrorCode").value_or("");
  std::uint32_t code = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), code);
  return ec == std::errc{} && end == text.data() + text.size() ? code : 0;
}

/// Hands a callback to the engine and answers once it is durable. An unknown message is
/// answered 200: Twilio retrying it would change nothing.
void apply_status(const state_ptr& state, status_callback callback, responder respond) {
  auto sid = callback.twilio_sid;
  state->engine->status(std::move(callback), [respond, sid](engine_result<acknowledged> result) {
    if (result)
      return respond(empty_ok());
    if (result.error().code != ec::not_found)
      return respond(failure_response(result.error()));
    spdlog::info("status callback for {} ignored: unknown message", printable(sid));
    respond(empty_ok());
  });
}

/// Finds the message of a callback without `message_id` by its SID, then applies it.
void apply_status_by_sid(const state_ptr& state, status_callback callback, responder respond) {
  if (!state->engine->reads_messages() || callback.twilio_sid.empty()) {
    spdlog::info("status callback for {} ignored: no message_id in its URL",
                 printable(callback.twilio_sid));
    return respond(empty_ok());
  }
  auto sid = callback.twilio_sid;
  state->engine->find_message(sid, [state, callback, respond](engine_result<message_id> found) {
    if (!found && found.error().code != ec::not_found)
      return respond(failure_response(found.error()));
    if (!found) {
      spdlog::info("status callback for {} ignored: unknown SID", printable(callback.twilio_sid));
      return respond(empty_ok());
    }
    auto located = callback;
    located.message = *found;
    apply_status(state, std::move(located), respond);
  });
}

/// The callback a verified form describes, or nothing (logged) when it carries no status or
/// recipient Verity can apply.
std::optional<status_callback> read_callback(const form_params& params) {
  auto text = find_param(params, "MessageStatus");
  if (!text)
    text = find_param(params, "SmsStatus");
  auto status = twilio_status(text.value_or(""));
  if (!status) {
    spdlog::info("status callback ignored: unknown status '{}'", printable(text.value_or("")));
    return std::nullopt;
  }
  status_callback callback;
  callback.twilio_sid = std::string(find_param(params, "MessageSid").value_or(""));
  // Twilio reports the To Verity sent, which is E.164: it routes the callback as it is, with
  // no numbering-plan lookup (a costly one per callback); a number never sent to finds nothing.
  auto to = find_param(params, "To").value_or("");
  auto recipient = strip_whatsapp_prefix(to);
  if (!is_e164_form(recipient)) {
    spdlog::info("status callback for {} ignored: recipient {} is not an E.164 number",
                 printable(callback.twilio_sid), mask_phone(to));
    return std::nullopt;
  }
  callback.phone = std::string(recipient);
  callback.status = *status;
  callback.error_code = error_code_of(params);
  callback.at = wall_clock_now();
  return callback;
}

/// POST /v1/webhooks/twilio/status (and /api/referrals/sms-status-callback).
void on_status(const state_ptr& state, const http_request& request, form_params params,
               responder respond) {
  auto callback = read_callback(params);
  if (!callback)
    return respond(empty_ok());
  auto query = parse_query(request.query()).value_or(form_params{});
  auto named = find_param(query, "message_id");
  if (!named)
    return apply_status_by_sid(state, std::move(*callback), std::move(respond));
  auto id = message_id::parse(*named);
  if (!id) {
    spdlog::info("status callback ignored: message_id '{}' is not valid", printable(*named));
    return respond(empty_ok());
  }
  callback->message = *id;
  apply_status(state, std::move(*callback), std::move(respond));
}

/// POST /v1/webhooks/twilio/inbound.
void on_inbound(const state_ptr& state, const http_request&, form_params params,
                responder respond) {
  auto from = find_param(params, "From").value_or("");
  http_response twiml{200, "text/xml", "<Response/>", {}};
  auto phone = parse_phone(strip_whatsapp_prefix(from));
  if (!phone) {
    spdlog::info("inbound message from {} ignored: {}", mask_phone(from), phone.error());
    return respond(std::move(twiml));
  }
  auto action = keyword_action(find_param(params, "Body").value_or(""));
  inbound_message message{phone->e164, is_whatsapp_address(from), action, wall_clock_now()};
  state->engine->inbound(std::move(message),
                         [respond, twiml](engine_result<acknowledged> result) {
                           if (!result)
                             return respond(failure_response(result.error()));
                           respond(twiml);
                         });
}

} // namespace

void add_webhook_routes(router& routes, std::shared_ptr<actor_gateway> engine,
                        webhook_settings settings) {
  twilio_public_url signed_base(settings.public_url);
  auto state = std::make_shared<webhook_state>(
    webhook_state{std::move(engine), std::move(settings), std::move(signed_base)});
  routes.add("POST", "/v1/webhooks/twilio/status", verified(state, on_status));
  routes.add("POST", "/api/referrals/sms-status-callback", verified(state, on_status));
  routes.add("POST", "/v1/webhooks/twilio/inbound", verified(state, on_inbound));
}

} // namespace verity::net
