#include "net/api/demo_routes.hpp"

#include <nlohmann/json.hpp>

#include "net/api/actor_gateway.hpp"
#include "net/api/client_limiter.hpp"
#include "net/api/errors.hpp"
#include "net/api/request_parsing.hpp"
#include "net/api/router.hpp"
#include "net/api/simulated_phones.hpp"
#include "net/api/static_routes.hpp"
#include "net/api/v1_routes.hpp"

namespace verity::net {

namespace {

using clock = std::chrono::steady_clock;

constexpr std::string_view page_prefix = "/demo";
constexpr std::string_view api_prefix = "/demo/api/verifications";

/// `respond`, adding the headers every demo API answer carries.
responder uncached(responder respond) {
  return [respond = std::move(respond)](http_response answer) {
    answer.headers.emplace_back("Cache-Control", "no-store");
    answer.headers.emplace_back("X-Content-Type-Options", "nosniff");
    respond(std::move(answer));
  };
}

/// `handler` behind the per-address limit of `limiter`.
router::route_handler limited(std::shared_ptr<client_limiter> limiter,
                              router::route_handler handler) {
  return [limiter = std::move(limiter), handler = std::move(handler)](const http_request& request,
                                                                      responder respond) {
    respond = uncached(std::move(respond));
    auto decision = limiter->try_acquire(request.client_address, clock::now());
    if (!decision.allowed)
      return respond(with_retry_after(
        error_response(429, "rate_limited", "Too many requests. Please try again later."),
        decision.retry_after));
    handler(request, std::move(respond));
  };
}

/// The simulated phone's copy of the latest delivered attempt of `view`, if it has one.
std::optional<simulated_message> latest_received(const simulated_phones& inbox,
                                                 const verification_view& view) {
  for (auto attempt = view.attempts.rbegin(); attempt != view.attempts.rend(); ++attempt)
    if (is_delivered(attempt->delivery.current()) && !attempt->twilio_sid.empty())
      if (auto message = inbox.find(attempt->twilio_sid))
        return message;
  return std::nullopt;
}

/// GET /demo/api/verifications/{id}/simulated-message.
router::route_handler show_simulated_message(std::shared_ptr<actor_gateway> engine,
                                             std::shared_ptr<const simulated_phones> inbox) {
  return [engine = std::move(engine), inbox = std::move(inbox)](const http_request& request,
                                                                responder respond) {
    auto id = verification_id::parse(request.path_param("id"));
    if (!id)
      return respond(invalid_field("id", "The verification " + id.error() + "."));
    engine->get({*id, std::chrono::milliseconds{0}, std::nullopt},
                [inbox, respond](engine_result<verification_view> view) {
                  if (!view)
                    return respond(failure_response(view.error()));
                  auto message = latest_received(*inbox, *view);
                  if (!message)
                    return respond(error_response(
                      404, "not_found", "No simulated message was delivered for this verification."));
                  nlohmann::json body = {{"simulated", true},
                                         {"channel", message->whatsapp ? "whatsapp" : "sms"},
                                         {"text", message->text}};
                  respond({200, "application/json", to_body(body), {}});
                });
  };
}

} // namespace

void add_demo_routes(router& routes, std::shared_ptr<actor_gateway> engine,
                     demo_settings settings) {
  add_static_routes(routes, page_prefix, demo_assets());
  auto limiter = std::make_shared<client_limiter>(settings.ip_limit);
  auto v1 = open_v1_handlers(engine, {{}, settings.idempotency_capacity, settings.idempotency_ttl});
  std::string base(api_prefix);
  routes.add("POST", base, limited(limiter, std::move(v1.create)));
  routes.add("GET", base + "/{id}", limited(limiter, std::move(v1.get)));
  routes.add("POST", base + "/{id}/resend", limited(limiter, std::move(v1.resend)));
  routes.add("POST", base + "/{id}/check", limited(limiter, std::move(v1.check)));
  if (settings.inbox)
    routes.add("GET", base + "/{id}/simulated-message",
               limited(limiter,
                       show_simulated_message(std::move(engine), std::move(settings.inbox))));
}

} // namespace verity::net
