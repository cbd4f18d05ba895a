#include "net/report_routes.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "net/api_errors.hpp"
#include "net/api_keys.hpp"
#include "net/engine_client.hpp"
#include "net/json_views.hpp"
#include "net/request_parsing.hpp"
#include "net/router.hpp"

namespace verity::net {

namespace {

/// What the report routes share.
struct report_state {
  std::shared_ptr<engine_client> engine;
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

/// GET /v1/stats and GET /v1/phones/{e164}/stats.
void get_stats(const state_ptr&, const http_request&, responder respond) {
  respond(not_implemented("Delivery statistics"));
}

} // namespace

void add_report_routes(router& routes, std::shared_ptr<engine_client> engine,
                       std::vector<std::string> api_keys) {
  auto state = std::make_shared<report_state>(
    report_state{std::move(engine), api_key_checker{std::move(api_keys)}});
  routes.add("GET", "/v1/messages/{id}", authenticated(state, get_message));
  routes.add("GET", "/v1/stats", authenticated(state, get_stats));
  routes.add("GET", "/v1/phones/{e164}/stats", authenticated(state, get_stats));
}

} // namespace verity::net
