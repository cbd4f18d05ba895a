#include "net/api/report_routes.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>

#include <nlohmann/json.hpp>

#include "engine/clock.hpp"
#include "engine/form.hpp"
#include "engine/phone.hpp"
#include "net/api/actor_gateway.hpp"
#include "net/api/errors.hpp"
#include "net/api/json_views.hpp"
#include "net/api/keys.hpp"
#include "net/api/request_parsing.hpp"
#include "net/api/router.hpp"
#include "net/api/stats_json.hpp"
#include "net/api/uri.hpp"

namespace verity::net {

namespace {

/// What the report routes share.
struct report_state {
  std::shared_ptr<actor_gateway> engine;
  api_key_checker keys;
};

using state_ptr = std::shared_ptr<report_state>;

/// A report route, run once the request presented a valid API key.
using report_handler = void (*)(const state_ptr& state, const http_request& request,
                                responder respond);

router::route_handler authenticated(state_ptr state, report_handler handler) {
  return [state = std::move(state), handler](const http_request& request, responder respond) {
    if (!state->keys.match(request))
      return respond(unauthorized_response());
    handler(state, request, std::move(respond));
  };
}

http_response not_implemented(std::string_view what) {
  return error_response(501, "not_implemented", std::string(what) + " is not available yet.");
}

/// True for a Twilio message SID: "SM" or "MM" followed by 32 hex digits.
bool is_twilio_sid(std::string_view text) {
  return text.size() == 34 && (text.starts_with("SM") || text.starts_with("MM"))
         && std::all_of(text.begin() + 2, text.end(), [](char c) {
              return std::isxdigit(static_cast<unsigned char>(c)) != 0;
            });
}

/// Answers with the receipt of message `id`.
void answer_message(const state_ptr& state, message_id id, responder respond) {
  state->engine->load_message(id, [respond](engine_result<message_record> result) {
    if (!result)
      return respond(failure_response(result.error()));
    respond({200, "application/json", to_body(message_json(*result)), {}});
  });
}

/// GET /v1/messages/{id}: by message id, or by Twilio SID through the storage index.
void get_message(const state_ptr& state, const http_request& request, responder respond) {
  auto text = request.path_param("id");
  auto id = message_id::parse(text);
  if (!id && !is_twilio_sid(text))
    return respond(invalid_field(
      "id", "The message id must be a message id (MS...) or a Twilio SID (SM... or MM...)."));
  if (!state->engine->reads_messages())
    return respond(not_implemented("Message lookup"));
  if (id)
    return answer_message(state, *id, std::move(respond));
  state->engine->find_message(std::string(text), [state, respond](engine_result<message_id> found) {
    if (!found)
      return respond(failure_response(found.error()));
    answer_message(state, *found, respond);
  });
}

/// The `days` parameter of a stats route: `fallback` when absent, else whole days in
/// 1..`max_days`; a 400 `invalid_request` otherwise.
tl::expected<std::uint32_t, http_response> parse_days(const http_request& request,
                                                      std::uint32_t fallback,
                                                      std::uint32_t max_days) {
  auto params = parse_query(request.query());
  if (!params)
    return tl::make_unexpected(error_response(400, "invalid_request", "The query is malformed."));
  auto text = find_param(*params, "days");
  if (!text)
    return fallback;
  std::uint32_t days = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), days);
  if (ec != std::errc{} || end != text->data() + text->size() || days < 1 || days > max_days)
    return tl::make_unexpected(invalid_field(
      "days", "Parameter 'days' must be whole days from 1 to " + std::to_string(max_days) + "."));
  return days;
}

/// GET /v1/stats[?days=N]: platform counters over 1..365 days (default 30).
void get_stats(const state_ptr& state, const http_request& request, responder respond) {
  auto days = parse_days(request, 30, 365);
  if (!days)
    return respond(std::move(days.error()));
  if (!state->engine->reads_messages())
    return respond(not_implemented("Delivery statistics"));
  stats_query query{*days, wall_clock_now()};
  state->engine->platform_stats(query, [respond](engine_result<stats_report> result) {
    if (!result)
      return respond(failure_response(result.error()));
    respond({200, "application/json", to_body(stats_json(*result)), {}});
  });
}

/// GET /v1/phones/{e164}/stats[?days=N]: one phone's recent messages over 1..90 days
/// (default 7).
void get_phone_stats(const state_ptr& state, const http_request& request, responder respond) {
  auto phone = parse_phone(request.path_param("e164"));
  if (!phone)
    return respond(invalid_phone("e164", phone.error()));
  auto days = parse_days(request, 7, 90);
  if (!days)
    return respond(std::move(days.error()));
  if (!state->engine->reads_messages())
    return respond(not_implemented("Delivery statistics"));
  auto e164 = phone->e164;
  state->engine->phone_stats(
    {e164, *days, wall_clock_now()}, [respond, e164](engine_result<phone_stats_report> result) {
      if (!result)
        return respond(failure_response(result.error()));
      respond({200, "application/json", to_body(phone_stats_json(*result, e164)), {}});
    });
}

} // namespace

void add_report_routes(router& routes, std::shared_ptr<actor_gateway> engine,
                       std::shared_ptr<const secret_store> secrets) {
  auto state = std::make_shared<report_state>(
    report_state{std::move(engine), api_key_checker{std::move(secrets)}});
  routes.add("GET", "/v1/messages/{id}", authenticated(state, get_message));
  routes.add("GET", "/v1/stats", authenticated(state, get_stats));
  routes.add("GET", "/v1/phones/{e164}/stats", authenticated(state, get_phone_stats));
}

} // namespace verity::net
