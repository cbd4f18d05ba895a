#include "net/api/compat_routes.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "engine/error_classification.hpp"
#include "engine/phone.hpp"
#include "net/api/actor_gateway.hpp"
#include "net/api/client_limiter.hpp"
#include "net/api/compat_index.hpp"
#include "net/api/errors.hpp"
#include "net/api/json_views.hpp"
#include "net/api/request_parsing.hpp"
#include "net/api/router.hpp"
#include "net/api/verified_hook.hpp"

namespace verity::net {

namespace {

using nlohmann::json;
using clock = std::chrono::steady_clock;

/// The seed app served US numbers: numbers without '+' are read as such.
constexpr std::string_view default_region = "US";
/// The flag of the send route's error bodies, and of the others'.
constexpr std::string_view send_flag = "success";
constexpr std::string_view status_flag = "ok";

/// What the compatibility routes share.
struct compat_state {
  compat_state(std::shared_ptr<actor_gateway> client, const compat_settings& settings)
    : engine(std::move(client)), limiter(settings.ip_limit),
      index(settings.index_capacity, settings.index_ttl), send_wait(settings.send_wait),
      hook(settings.hook) {
  }

  std::shared_ptr<actor_gateway> engine;
  client_limiter limiter;
  compat_index index;
  std::chrono::milliseconds send_wait;
  std::shared_ptr<verified_hook> hook; ///< Null: verify-code answers without calling one.
};

using state_ptr = std::shared_ptr<compat_state>;

using compat_handler = void (*)(const state_ptr& state, const http_request& request,
                                responder respond);

http_response json_response(int status, const json& body) {
  return {status, "application/json", to_body(body), {}};
}

/// The seed's error shapes: the send route's {"success": false, "error", "message"} (the page
/// shows `message`), the others' {"ok": false, "success": false, "error"} (the older page reads
/// `ok`, the newer one `success`).
http_response seed_error(int status, std::string_view flag, std::string_view message) {
  if (flag == send_flag)
    return json_response(status, {{"success", false}, {"error", message}, {"message", message}});
  return json_response(status, {{"ok", false}, {"success", false}, {"error", message}});
}

/// The seed-shaped answer to an engine failure.
http_response seed_failure(std::string_view flag, const engine_failure& failure) {
  switch (failure.code) {
    case ec::opted_out:
      return seed_error(403, flag, "This number has opted out of messages. Reply START to opt in.");
    case ec::rate_limited:
      return with_retry_after(
        seed_error(429, flag, "Too many verification requests. Please try again later."),
        failure.retry_after);
    case ec::overloaded:
      return with_retry_after(seed_error(503, flag, "The service is busy. Please try again."),
                              failure.retry_after);
    default:
      return seed_error(500, flag, "Unable to send verification code.");
  }
}

/// `handler` behind the per-address limit.
router::route_handler limited(state_ptr state, std::string_view flag, compat_handler handler) {
  return [state = std::move(state), flag, handler](const http_request& request,
                                                   responder respond) {
    auto decision = state->limiter.try_acquire(request.client_address, clock::now());
    if (!decision.allowed)
      return respond(with_retry_after(
        seed_error(429, flag, "Too many requests. Please try again later."), decision.retry_after));
    handler(state, request, std::move(respond));
  };
}

/// The JSON object body, or the seed-shaped 415/400 to answer.
tl::expected<json, http_response> seed_body(const http_request& request, std::string_view flag) {
  if (!has_media_type(request, "application/json"))
    return tl::make_unexpected(seed_error(415, flag, "Content-Type must be application/json."));
  auto body = parse_json_object(request.body);
  if (!body)
    return tl::make_unexpected(seed_error(400, flag, body.error()));
  return std::move(*body);
}

/// The E.164 form of the body's `phone`, or the seed-shaped 400 to answer.
tl::expected<std::string, http_response> seed_phone(const json& body, std::string_view flag) {
  auto text = string_field(body, "phone");
  if (!text || !*text || (*text)->empty())
    return tl::make_unexpected(seed_error(400, flag, "Phone number is required."));
  auto phone = parse_phone(**text, default_region);
  if (!phone)
    return tl::make_unexpected(seed_error(400, flag, "Invalid phone number."));
  return std::move(phone->e164);
}

/// The seed's answer to a create request Twilio refused: 200 for WhatsApp (the page then offers
/// SMS), 500 for SMS.
http_response synchronous_failure(const message_record& latest) {
  bool whatsapp = latest.via == channel::whatsapp;
  auto code = latest.error_code();
  json failure = {{"success", false}, {"channel", to_string(latest.via)},
                  {"reason", whatsapp ? "NOT_DELIVERED" : "DELIVERY_FAILED"},
                  {"errorCode", code != 0 ? json(code) : json(nullptr)},
                  {"message", whatsapp ? "WhatsApp could not deliver the message."
                                       : "Unable to send verification code."}};
  if (whatsapp)
    failure["suggestion"] = "Try SMS instead";
  return json_response(whatsapp ? 200 : 500, failure);
}

/// The send answer once Twilio answered the create request (or the wait ended): the SID to
/// poll, or the message id while Twilio has not answered.
http_response send_outcome(const verification_view& view) {
  if (view.attempts.empty())
    return seed_error(500, send_flag, "Unable to send verification code.");
  const auto& latest = view.attempts.back();
  if (is_failure(latest.delivery.current()) && latest.twilio_sid.empty())
    return synchronous_failure(latest);
  auto sid = latest.twilio_sid.empty() ? latest.id.to_string() : latest.twilio_sid;
  bool whatsapp = latest.via == channel::whatsapp;
  return json_response(200, {{"success", true},
                             {"channelUsed", to_string(latest.via)},
                             {"channel", to_string(latest.via)},
                             {"messageSid", sid},
                             {"message", whatsapp ? "Verification code sent via WhatsApp."
                                                  : "Verification code sent via SMS."},
                             {"pollUrl", "/api/referrals/delivery-status/" + sid}});
}

/// Answers a started verification once its latest message left the `created` state.
void await_create(const state_ptr& state, const verification_view& view, responder respond) {
  if (view.latest_delivery() != delivery_status::created)
    return respond(send_outcome(view));
  verification_query query{view.verification.id, state->send_wait, delivery_status::created};
  state->engine->get(query, [state, respond](engine_result<verification_view> result) {
    if (!result)
      return respond(seed_failure(send_flag, result.error()));
    state->index.remember(*result, clock::now());
    respond(send_outcome(*result));
  });
}

/// POST /api/referrals/send-verification.
void send_verification(const state_ptr& state, const http_request& request, responder respond) {
  auto body = seed_body(request, send_flag);
  if (!body)
    return respond(std::move(body.error()));
  auto phone = seed_phone(*body, send_flag);
  if (!phone)
    return respond(std::move(phone.error()));
  auto method = string_field(*body, "method");
  auto via = method && *method ? parse_channel(**method) : std::optional{channel::whatsapp};
  if (!via)
    return respond(seed_error(400, send_flag, R"(Method must be "whatsapp" or "sms".)"));
  verification_request start;
  start.phone = std::move(*phone);
  start.preference = *via == channel::sms ? channel_preference::sms : channel_preference::whatsapp;
  state->engine->start(std::move(start), [state, respond](engine_result<verification_view> view) {
    if (!view)
      return respond(seed_failure(send_flag, view.error()));
    state->index.remember(*view, clock::now());
    await_create(state, *view, respond);
  });
}

/// 404 {"ok": false, "success": false, "error": "Delivery status not found", "messageSid"}.
http_response status_not_found(const std::string& sid) {
  return json_response(404, {{"ok", false}, {"success", false},
                             {"error", "Delivery status not found"}, {"messageSid", sid}});
}

/// True for the outcomes the seed reported as failures: Twilio's own `failed` and
/// `undelivered`. A passed deadline is not one: the seed never reported timeouts (its page
/// times out by itself), and a late confirmation may still come.
bool seed_failed(delivery_status status) {
  return status == delivery_status::failed || status == delivery_status::undelivered;
}

/// The seed page's error code for a message withdrawn before Twilio had it:
/// "NOT_SENT_SENDER_RATE", "NOT_SENT_EGRESS_BUSY" or "NOT_SENT_SEND_LIMIT".
std::string not_sent_error_code(not_sent_reason reason) {
  std::string code{"NOT_SENT_"};
  for (char c : to_string(reason))
    code += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return code;
}

/// The seed's delivery status of one message; a message past its deadline reads
/// `status: "timed_out"` and stays pending.
json delivery_status_json(const message_record& message, const std::string& sid) {
  auto current = message.delivery.current();
  auto code = message.error_code();
  auto description = describe_twilio_error(code);
  auto at = message.delivery.first_seen(current);
  auto error_code = code != 0 ? json(code) : json(nullptr);
  if (message.not_sent != not_sent_reason::none) { // no Twilio code: Twilio never had it
    error_code = not_sent_error_code(message.not_sent);
    description = describe_not_sent(message.not_sent);
  }
  return {{"ok", true},
          {"success", true},
          {"messageSid", sid},
          {"status", api_delivery_state(current)},
          {"method", to_string(message.via)},
          {"isDelivered", is_delivered(current)},
          {"isFailed", seed_failed(current)},
          {"isPending", !is_delivered(current) && !seed_failed(current)},
          {"errorCode", error_code},
          {"errorMessage", description.empty() ? json(nullptr) : json(description)},
          {"timestamp", at ? json(format_time(*at)) : json(nullptr)}};
}

/// Receives the verification a stored message belongs to (nullopt when there is none).
using found_verification = std::function<void(engine_result<std::optional<verification_id>>)>;

/// Reads message `id` from storage and passes on its verification.
void verification_of_message(const state_ptr& state, message_id id, found_verification found) {
  state->engine->load_message(id, [found](engine_result<message_record> record) {
    if (!record && record.error().code == ec::not_found)
      return found(std::nullopt);
    if (!record)
      return found(tl::make_unexpected(record.error()));
    found(std::optional{record->verification});
  });
}

/// Finds the verification of a message named by its Twilio SID or message id in storage: for
/// messages the in-memory index does not hold (dropped, or sent before a restart).
void find_in_storage(const state_ptr& state, const std::string& sid, found_verification found) {
  if (auto id = message_id::parse(sid))
    return verification_of_message(state, *id, std::move(found));
  state->engine->find_message(sid, [state, found](engine_result<message_id> id) {
    if (!id && id.error().code == ec::not_found)
      return found(std::nullopt);
    if (!id)
      return found(tl::make_unexpected(id.error()));
    verification_of_message(state, *id, found);
  });
}

/// Answers the delivery status of message `sid` of verification `id`.
void answer_status(const state_ptr& state, const std::string& sid, verification_id id,
                   responder respond) {
  state->engine->get({id, std::chrono::milliseconds{0}, std::nullopt},
                     [sid, respond](engine_result<verification_view> view) {
                       if (!view && view.error().code == ec::not_found)
                         return respond(status_not_found(sid));
                       if (!view)
                         return respond(seed_failure(status_flag, view.error()));
                       for (const auto& attempt : view->attempts)
                         if (attempt.twilio_sid == sid || attempt.id.to_string() == sid)
                           return respond(json_response(200, delivery_status_json(attempt, sid)));
                       respond(status_not_found(sid));
                     });
}

/// GET /api/referrals/delivery-status/{messageSid}.
void delivery_status_route(const state_ptr& state, const http_request& request,
                           responder respond) {
  std::string sid(request.path_param("messageSid"));
  if (auto id = state->index.by_message(sid, clock::now()))
    return answer_status(state, sid, *id, std::move(respond));
  if (!state->engine->reads_messages())
    return respond(status_not_found(sid));
  find_in_storage(state, sid, [state, sid, respond](
                                engine_result<std::optional<verification_id>> found) {
    if (!found)
      return respond(seed_failure(status_flag, found.error()));
    if (!*found)
      return respond(status_not_found(sid));
    answer_status(state, sid, **found, respond);
  });
}

/// The seed's answer to a check that did not approve: 400 for a wrong, expired or unknown
/// code, 429 once the check limit is reached.
http_response check_refusal(const engine_result<phone_check_result>& result) {
  if (!result && result.error().code == ec::not_found)
    return seed_error(400, status_flag, "Verification code expired or not found.");
  if (!result && result.error().code == ec::max_attempts_reached)
    return seed_error(429, status_flag, "Too many attempts. Please request a new code.");
  if (!result)
    return seed_failure(status_flag, result.error());
  return json_response(400, {{"ok", false}, {"success", false},
                             {"error", "Invalid verification code."},
                             {"attemptsLeft", result->result.attempts_left}});
}

/// True if an attempt over `via` was confirmed delivered (Verity's own receipts).
bool delivered_over(const verification_view& view, channel via) {
  return std::any_of(view.attempts.begin(), view.attempts.end(), [via](const auto& attempt) {
    return attempt.via == via && is_delivered(attempt.delivery.current());
  });
}

/// The channel that carried the code: the latest delivered attempt's, else the latest one's.
channel carrying_channel(const verification_view& view) {
  for (auto attempt = view.attempts.rbegin(); attempt != view.attempts.rend(); ++attempt)
    if (is_delivered(attempt->delivery.current()))
      return attempt->via;
  return view.attempts.empty() ? channel::sms : view.attempts.back().via;
}

/// The members the seed's verify answer had, from Verity's own state.
json verified_answer(const verification_view& view) {
  return {{"ok", true},
          {"success", true},
          {"verified", true},
          {"smsDelivered", delivered_over(view, channel::sms)},
          {"whatsappDelivered", delivered_over(view, channel::whatsapp)}};
}

/// Adds the platform's members to `answer`, never replacing the verdict.
void merge_platform_answer(json& answer, const json& platform) {
  for (const auto& [name, value] : platform.items())
    if (name != "ok" && name != "success" && name != "verified")
      answer[name] = value;
}

/// Answers an approved verification: the verify answer, with the verified hook's members when
/// one is configured; 502 when the hook fails (the approval stands: the same code answers
/// verified again, calling the hook again, until it expires).
void answer_verified(const state_ptr& state, const verification_view& view, responder respond) {
  auto answer = verified_answer(view);
  if (!state->hook)
    return respond(json_response(200, answer));
  verified_event event{view.verification.id, view.verification.phone, carrying_channel(view),
                       wall_clock_now()};
  state->hook->call(event, [answer = std::move(answer),
                            respond](verified_hook::outcome platform) mutable {
    if (!platform)
      return respond(seed_error(502, status_flag,
                                "Verification could not be completed. Please try again."));
    merge_platform_answer(answer, *platform);
    respond(json_response(200, answer));
  });
}

/// POST /api/referrals/verify-code: checks the code against the phone's latest verification,
/// which the phone's actor knows durably (a restart keeps it).
void verify_code(const state_ptr& state, const http_request& request, responder respond) {
  auto body = seed_body(request, status_flag);
  if (!body)
    return respond(std::move(body.error()));
  auto phone = seed_phone(*body, status_flag);
  if (!phone)
    return respond(std::move(phone.error()));
  auto code = string_field(*body, "code");
  if (!code || !*code || (*code)->empty() || (*code)->size() > 32)
    return respond(seed_error(400, status_flag, "Verification code is required."));
  phone_code_check check{std::move(*phone), std::move(**code)};
  state->engine->check_latest(std::move(check), [state, respond](
                                                  engine_result<phone_check_result> result) {
    if (!result || !result->result.valid)
      return respond(check_refusal(result));
    state->engine->get({result->id, std::chrono::milliseconds{0}, std::nullopt},
                       [state, respond](engine_result<verification_view> view) {
                         if (!view)
                           return respond(seed_failure(status_flag, view.error()));
                         answer_verified(state, *view, respond);
                       });
  });
}

} // namespace

void add_compat_routes(router& routes, std::shared_ptr<actor_gateway> engine,
                       compat_settings settings) {
  auto state = std::make_shared<compat_state>(std::move(engine), settings);
  routes.add("POST", "/api/referrals/send-verification",
             limited(state, send_flag, send_verification));
  routes.add("GET", "/api/referrals/delivery-status/{messageSid}",
             limited(state, status_flag, delivery_status_route));
  routes.add("POST", "/api/referrals/verify-code", limited(state, status_flag, verify_code));
}

} // namespace verity::net
