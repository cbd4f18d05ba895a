#include "net/api/v1_routes.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <optional>

#include <nlohmann/json.hpp>

#include "engine/phone.hpp"
#include "engine/twilio_signature.hpp"
#include "net/api/actor_gateway.hpp"
#include "net/api/errors.hpp"
#include "net/api/idempotency_keys.hpp"
#include "net/api/json_views.hpp"
#include "net/api/keys.hpp"
#include "net/api/long_poll.hpp"
#include "net/api/request_parsing.hpp"
#include "net/api/router.hpp"
#include "net/api/uri.hpp"

namespace verity::net {

namespace {

using nlohmann::json;

/// The region of numbers written without '+' when the request names no `country`.
constexpr std::string_view default_region = "US";
constexpr std::size_t max_idempotency_key_size = 255;
constexpr std::size_t max_code_size = 32;

http_response json_response(int status, const json& body) {
  return {status, "application/json", to_body(body), {}};
}

/// 201 with the verification resource and its Location.
http_response created_response(const verification_view& view) {
  return {201, "application/json", verification_body(view),
          {{"Location", "/v1/verifications/" + view.verification.id.to_string()}}};
}

/// What every v1 route shares.
struct v1_state {
  v1_state(std::shared_ptr<actor_gateway> client, api_v1_settings settings)
    : engine(std::move(client)), keys(std::move(settings.secrets)),
      idempotency(engine, settings.idempotency_capacity, settings.idempotency_ttl,
                  created_response) {
  }

  std::shared_ptr<actor_gateway> engine;
  api_key_checker keys;
  idempotency_keys idempotency;
};

using state_ptr = std::shared_ptr<v1_state>;

/// A v1 route, run once the request presented API key number `key`.
using v1_handler = void (*)(const state_ptr& state, std::size_t key, const http_request& request,
                            responder respond);

/// `handler` behind the API key check.
router::route_handler authenticated(state_ptr state, v1_handler handler) {
  return [state = std::move(state), handler](const http_request& request, responder respond) {
    auto key = state->keys.match(request);
    if (!key)
      return respond(unauthorized_response());
    handler(state, *key, request, std::move(respond));
  };
}

/// The caller number of open handlers: no API key has it, so their idempotency keys stay apart.
constexpr std::size_t open_caller = std::numeric_limits<std::size_t>::max();

/// `handler` for callers without an API key.
router::route_handler open(state_ptr state, v1_handler handler) {
  return [state = std::move(state), handler](const http_request& request, responder respond) {
    handler(state, open_caller, request, std::move(respond));
  };
}


/// The JSON object body of a request that must send one, or the error to answer.
tl::expected<json, http_response> json_body(const http_request& request) {
  if (!has_media_type(request, "application/json"))
    return tl::make_unexpected(unsupported_media_type("application/json"));
  auto body = parse_json_object(request.body);
  if (!body)
    return tl::make_unexpected(error_response(400, "invalid_request", body.error()));
  return std::move(*body);
}

/// String field `name`, absent as nothing, another type as the 400 to answer.
tl::expected<std::optional<std::string>, http_response> text_field(const json& body,
                                                                    std::string_view name) {
  auto value = string_field(body, name);
  if (!value)
    return tl::make_unexpected(invalid_field(name, value.error()));
  return std::move(*value);
}

/// A required string field.
tl::expected<std::string, http_response> required_text(const json& body, std::string_view name) {
  auto value = text_field(body, name);
  if (value && !*value)
    return tl::make_unexpected(invalid_field(name, "Field '" + std::string(name) + "' is required."));
  return value.map([](std::optional<std::string> text) { return std::move(*text); });
}

bool is_region_code(std::string_view text) {
  return text.size() == 2 && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isalpha(static_cast<unsigned char>(c)) != 0;
         });
}

/// True for a tag of the one language message texts are written in: "en", or "en-" and a
/// region ("en-GB", "en-001"), in any letter case. Until texts exist per locale, accepting any
/// other would promise a language the user never gets.
bool is_supported_locale(std::string_view text) {
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  if (text.size() < 2 || lower(text[0]) != 'e' || lower(text[1]) != 'n')
    return false;
  auto region = text.substr(2);
  if (region.empty())
    return true;
  if (region.front() != '-')
    return false;
  region.remove_prefix(1);
  auto letters = std::all_of(region.begin(), region.end(), [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0;
  });
  auto digits = std::all_of(region.begin(), region.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
  return (region.size() == 2 && letters) || (region.size() == 3 && digits);
}

/// Applies the optional fields `channel`, `fallback` and `locale` to `request`.
std::optional<http_response> read_options(const json& body, verification_request& request) {
  auto preference = text_field(body, "channel");
  auto fallback = text_field(body, "fallback");
  auto locale = text_field(body, "locale");
  for (const auto* field : {&preference, &fallback, &locale})
    if (!*field)
      return field->error();
  if (*preference) {
    auto parsed = parse_channel_preference(**preference);
    if (!parsed)
      return invalid_field("channel", R"(Field 'channel' must be "whatsapp", "sms" or "auto".)");
    request.preference = *parsed;
  }
  if (*fallback) {
    auto parsed = parse_fallback(**fallback);
    if (!parsed)
      return invalid_field("fallback", R"(Field 'fallback' must be "auto", "manual" or "none".)");
    request.fallback = *parsed;
  }
  if (*locale && !is_supported_locale(**locale))
    return invalid_field("locale", "Field 'locale' must be \"en\" (or a regional form such as "
                                   "\"en-GB\"): message texts exist in English only for now.");
  request.locale = locale->value_or("");
  return std::nullopt;
}

/// The verification request a POST /v1/verifications body asks for.
tl::expected<verification_request, http_response> parse_start(const json& body) {
  auto to = required_text(body, "to");
  if (!to)
    return tl::make_unexpected(std::move(to.error()));
  auto country = text_field(body, "country");
  if (!country)
    return tl::make_unexpected(std::move(country.error()));
  if (*country && !is_region_code(**country))
    return tl::make_unexpected(
      invalid_field("country", "Field 'country' must be a two-letter region code such as \"US\"."));
  verification_request request;
  if (auto problem = read_options(body, request))
    return tl::make_unexpected(std::move(*problem));
  auto phone = parse_phone(*to, country->value_or(std::string(default_region)));
  if (!phone)
    return tl::make_unexpected(invalid_phone("to", phone.error()));
  request.phone = std::move(phone->e164);
  return request;
}

/// A claimed idempotency key: scoped to the API key, with the fingerprint of the body.
struct claimed_key {
  std::string key;
  std::string fingerprint;
};

/// Starts a verification; with `claimed`, the engine stores the key with the verification
/// (durably, before answering), or the key is released when it fails.
void start(const state_ptr& state, verification_request request,
           std::optional<claimed_key> claimed, responder respond) {
  if (claimed) {
    request.idempotency_key = claimed->key;
    request.idempotency_fingerprint = claimed->fingerprint;
  }
  state->engine->start(std::move(request), [state, claimed, respond](
                                             engine_result<verification_view> result) {
    if (!result) {
      if (claimed)
        state->idempotency.release(claimed->key);
      return respond(failure_response(result.error()));
    }
    auto answer = created_response(*result);
    if (claimed)
      state->idempotency.complete(claimed->key, answer);
    respond(std::move(answer));
  });
}

/// Answers a request whose idempotency key was claimed, or starts it.
void on_claim(const state_ptr& state, verification_request request, claimed_key claimed,
              engine_result<idempotency_claim> claim, responder respond) {
  if (!claim)
    return respond(failure_response(claim.error()));
  switch (claim->outcome) {
    case idempotency_outcome::proceed:
      return start(state, std::move(request), std::move(claimed), std::move(respond));
    case idempotency_outcome::replay:
      return respond(std::move(claim->stored));
    case idempotency_outcome::conflict:
      return respond(error_response(409, "idempotency_conflict",
                                    "This Idempotency-Key was used with another body."));
    case idempotency_outcome::in_progress:
      return respond(error_response(409, "idempotency_conflict",
                                    "A request with this Idempotency-Key is still in progress."));
  }
}

/// POST /v1/verifications.
void create_verification(const state_ptr& state, std::size_t key, const http_request& request,
                         responder respond) {
  auto body = json_body(request);
  if (!body)
    return respond(std::move(body.error()));
  auto parsed = parse_start(*body);
  if (!parsed)
    return respond(std::move(parsed.error()));
  auto idempotency_key = request.header("Idempotency-Key");
  if (idempotency_key.empty())
    return start(state, std::move(*parsed), std::nullopt, std::move(respond));
  if (idempotency_key.size() > max_idempotency_key_size)
    return respond(invalid_field("Idempotency-Key", "Header 'Idempotency-Key' is too long."));
  // Keys are per API key; the fingerprint is the SHA-256 of the body re-serialised (sorted
  // keys, no whitespace), so formatting alone never makes a conflict.
  claimed_key claimed{std::to_string(key) + ":" + std::string(idempotency_key),
                      twilio_body_sha256(to_body(*body))};
  auto scoped = claimed.key;
  auto fingerprint = claimed.fingerprint;
  state->idempotency.claim(
    scoped, fingerprint,
    [state, request = std::move(*parsed), claimed = std::move(claimed),
     respond = std::move(respond)](engine_result<idempotency_claim> claim) mutable {
      on_claim(state, std::move(request), std::move(claimed), std::move(claim),
               std::move(respond));
    });
}

/// The verification id in the path, or the 400 to answer.
tl::expected<verification_id, http_response> path_id(const http_request& request) {
  auto id = verification_id::parse(request.path_param("id"));
  if (!id)
    return tl::make_unexpected(invalid_field("id", "The verification " + id.error() + "."));
  return *id;
}

/// The `seen` query value as a delivery status ("sending" stands for `created` too).
std::optional<delivery_status> parse_seen(std::string_view text) {
  if (text == api_delivery_state(delivery_status::created))
    return delivery_status::created;
  return parse_delivery_status(text);
}

/// What a GET asks: how long to wait and the state the client last saw.
struct poll_options {
  std::chrono::milliseconds wait{0};
  std::optional<delivery_status> seen;
};

tl::expected<poll_options, http_response> parse_poll(const http_request& request) {
  auto params = parse_query(request.query());
  if (!params)
    return tl::make_unexpected(error_response(400, "invalid_request", "The query is malformed."));
  poll_options options;
  if (auto wait = find_param(*params, "wait")) {
    unsigned seconds = 0;
    auto [end, ec] = std::from_chars(wait->data(), wait->data() + wait->size(), seconds);
    if (ec != std::errc{} || end != wait->data() + wait->size() || wait->empty())
      return tl::make_unexpected(invalid_field("wait", "Parameter 'wait' must be whole seconds."));
    options.wait = std::chrono::seconds{std::min(seconds, 3'600U)};
  }
  if (auto seen = find_param(*params, "seen")) {
    options.seen = parse_seen(*seen);
    if (!options.seen)
      return tl::make_unexpected(invalid_field("seen", "Parameter 'seen' must be a delivery state."));
  }
  return options;
}

/// The verification id of the path and one required text field of the JSON body: what resend
/// and check both read first.
struct id_and_field {
  verification_id id;
  std::string value;
};

tl::expected<id_and_field, http_response> id_with_field(const http_request& request,
                                                        std::string_view name) {
  auto id = path_id(request);
  if (!id)
    return tl::make_unexpected(std::move(id.error()));
  auto body = json_body(request);
  if (!body)
    return tl::make_unexpected(std::move(body.error()));
  auto value = required_text(*body, name);
  if (!value)
    return tl::make_unexpected(std::move(value.error()));
  return id_and_field{*id, std::move(*value)};
}

/// GET /v1/verifications/{id}[?wait=<s>&seen=<state>].
void get_verification(const state_ptr& state, std::size_t, const http_request& request,
                      responder respond) {
  auto id = path_id(request);
  if (!id)
    return respond(std::move(id.error()));
  auto options = parse_poll(request);
  if (!options)
    return respond(std::move(options.error()));
  long_poll(state->engine, *id, options->seen, options->wait,
            [respond](engine_result<verification_view> result) {
              if (!result)
                return respond(failure_response(result.error()));
              respond({200, "application/json", verification_body(*result), {}});
            });
}

/// POST /v1/verifications/{id}/resend with {"channel": "sms"|"whatsapp"}.
void resend_verification(const state_ptr& state, std::size_t, const http_request& request,
                         responder respond) {
  auto input = id_with_field(request, "channel");
  if (!input)
    return respond(std::move(input.error()));
  auto via = parse_channel(input->value);
  if (!via)
    return respond(invalid_field("channel", R"(Field 'channel' must be "whatsapp" or "sms".)"));
  state->engine->resend(input->id, *via, [respond](engine_result<verification_view> result) {
    if (!result)
      return respond(failure_response(result.error()));
    respond(created_response(*result));
  });
}

/// POST /v1/verifications/{id}/cancel (no body): 200 with the canceled verification, the same
/// again for one already canceled; 409 `invalid_request` once it was approved or ended
/// otherwise.
void cancel_verification(const state_ptr& state, std::size_t, const http_request& request,
                         responder respond) {
  auto id = path_id(request);
  if (!id)
    return respond(std::move(id.error()));
  state->engine->cancel(*id, [respond](engine_result<verification_view> result) {
    if (!result && result.error().code == ec::invalid_request)
      return respond(error_response(409, "invalid_request",
                                    "This verification already ended (approved, expired or "
                                    "locked); only a pending one can be canceled."));
    if (!result)
      return respond(failure_response(result.error()));
    respond({200, "application/json", verification_body(*result), {}});
  });
}

/// POST /v1/verifications/{id}/check with {"code": "123456"}.
void check_verification(const state_ptr& state, std::size_t, const http_request& request,
                        responder respond) {
  auto input = id_with_field(request, "code");
  if (!input)
    return respond(std::move(input.error()));
  auto& code = input->value;
  if (code.empty() || code.size() > max_code_size)
    return respond(invalid_field("code", "Field 'code' must hold the digits that were sent."));
  state->engine->check(input->id, std::move(code), [respond](engine_result<check_result> result) {
    if (!result)
      return respond(failure_response(result.error()));
    respond(json_response(200, check_json(*result)));
  });
}

} // namespace

void add_api_v1_routes(router& routes, std::shared_ptr<actor_gateway> engine,
                       api_v1_settings settings) {
  auto state = std::make_shared<v1_state>(std::move(engine), std::move(settings));
  routes.add("POST", "/v1/verifications", authenticated(state, create_verification));
  routes.add("GET", "/v1/verifications/{id}", authenticated(state, get_verification));
  routes.add("POST", "/v1/verifications/{id}/resend", authenticated(state, resend_verification));
  routes.add("POST", "/v1/verifications/{id}/check", authenticated(state, check_verification));
  routes.add("POST", "/v1/verifications/{id}/cancel", authenticated(state, cancel_verification));
}

v1_verification_handlers open_v1_handlers(std::shared_ptr<actor_gateway> engine,
                                          api_v1_settings settings) {
  settings.secrets = std::make_shared<const secret_store>(rotating_secrets{});
  auto state = std::make_shared<v1_state>(std::move(engine), std::move(settings));
  return {open(state, create_verification), open(state, get_verification),
          open(state, resend_verification), open(state, check_verification)};
}

} // namespace verity::net
