#include "net/api/demo_routes.hpp"

#include <mutex>

#include <nlohmann/json.hpp>

#include "engine/expiring_map.hpp"

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

/// The verifications the demo page created: the only ones whose simulated message it shows (an
/// id from API v1 or the compatibility API reveals nothing). Bounded and expiring. Thread-safe.
class demo_ledger {
public:
  demo_ledger(std::size_t capacity, std::chrono::milliseconds ttl) : ids_(capacity, ttl) {}

  /// Remembers that the demo created verification `id`.
  void remember(const std::string& id) {
    std::lock_guard lock{mutex_};
    ids_.put(id, true, clock::now());
  }

  /// True when the demo created verification `id` and still remembers it.
  bool created(const std::string& id) {
    std::lock_guard lock{mutex_};
    return ids_.find(id, clock::now()) != nullptr;
  }

private:
  std::mutex mutex_;
  expiring_map<std::string, bool> ids_; ///< Guarded.
};

/// The demo's create route: v1's `create`, remembering in `ledger` the id of each verification
/// it answers 201 for.
router::route_handler remembering(std::shared_ptr<demo_ledger> ledger,
                                  router::route_handler create) {
  return [ledger = std::move(ledger), create = std::move(create)](const http_request& request,
                                                                  responder respond) {
    create(request, [ledger, respond = std::move(respond)](http_response answer) {
      if (answer.status == 201) {
        auto body = nlohmann::json::parse(answer.body, nullptr, false);
        if (body.is_object() && body.contains("id") && body["id"].is_string())
          ledger->remember(body["id"].get<std::string>());
      }
      respond(std::move(answer));
    });
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
/// Answers 404 for a verification the demo did not create.
router::route_handler show_simulated_message(std::shared_ptr<actor_gateway> engine,
                                             std::shared_ptr<const simulated_phones> inbox,
                                             std::shared_ptr<demo_ledger> ledger) {
  return [engine = std::move(engine), inbox = std::move(inbox),
          ledger = std::move(ledger)](const http_request& request, responder respond) {
    auto id = verification_id::parse(request.path_param("id"));
    if (!id)
      return respond(invalid_field("id", "The verification " + id.error() + "."));
    if (!ledger->created(id->to_string()))
      return respond(error_response(404, "not_found",
                                    "The demo page did not create this verification."));
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

/// GET /demo/api/settings.
router::route_handler show_settings(std::chrono::milliseconds delivery_timeout) {
  return [delivery_timeout](const http_request&, responder respond) {
    nlohmann::json body = {{"delivery_timeout_ms", delivery_timeout.count()}};
    respond({200, "application/json", to_body(body), {}});
  };
}

} // namespace

void add_demo_routes(router& routes, std::shared_ptr<actor_gateway> engine,
                     demo_settings settings) {
  add_static_routes(routes, page_prefix, demo_assets());
  auto limiter = std::make_shared<client_limiter>(settings.ip_limit);
  auto v1 = open_v1_handlers(engine, {{}, settings.idempotency_capacity, settings.idempotency_ttl});
  routes.add("GET", "/demo/api/settings",
             limited(limiter, show_settings(settings.delivery_timeout)));
  std::string base(api_prefix);
  auto ledger = std::make_shared<demo_ledger>(settings.remembered, settings.remember_for);
  routes.add("POST", base, limited(limiter, remembering(ledger, std::move(v1.create))));
  routes.add("GET", base + "/{id}", limited(limiter, std::move(v1.get)));
  routes.add("POST", base + "/{id}/resend", limited(limiter, std::move(v1.resend)));
  routes.add("POST", base + "/{id}/check", limited(limiter, std::move(v1.check)));
  if (settings.inbox)
    routes.add("GET", base + "/{id}/simulated-message",
               limited(limiter, show_simulated_message(std::move(engine),
                                                       std::move(settings.inbox), ledger)));
}

} // namespace verity::net
