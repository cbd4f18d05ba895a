#include "net/api/routes.hpp"

#include <memory>

#include "net/api/actor_gateway.hpp"
#include "net/api/compat_routes.hpp"
#include "net/api/context.hpp"
#include "net/api/cors_policy.hpp"
#include "net/api/demo_routes.hpp"
#include "net/api/openapi_route.hpp"
#include "net/api/report_routes.hpp"
#include "net/api/v1_routes.hpp"
#include "net/api/webhook_routes.hpp"

namespace verity::net {

namespace {

/// The context's secret store, or one holding the configured secrets for good.
std::shared_ptr<const secret_store> secrets_of(const api_context& context) {
  if (context.secrets)
    return context.secrets;
  return std::make_shared<const secret_store>(rotating_secrets_of(context.settings));
}

} // namespace

void add_api_routes(router& routes, const api_context& context) {
  auto engine = std::make_shared<actor_gateway>(context);
  const auto& settings = context.settings;
  const auto& limits = context.limits;
  auto secrets = secrets_of(context);
  routes.trust_proxies(settings.trusted_proxies);
  // The routes a browser page calls; /v1 is server to server and gets no CORS.
  auto browser_origins = std::make_shared<const cors_policy>(settings.cors_origins);
  routes.allow_cors("/api/referrals/", browser_origins);
  routes.allow_cors("/demo/", browser_origins);
  add_api_v1_routes(routes, engine,
                    {secrets, limits.idempotency_capacity, limits.idempotency_ttl});
  add_report_routes(routes, engine, secrets);
  add_compat_routes(routes, engine,
                    {settings.ip_limit, limits.compat_send_wait, limits.compat_index_capacity,
                     settings.code_ttl, context.compat_hook});
  add_webhook_routes(routes, engine,
                     {settings.public_url, secrets, context.recorder});
  add_openapi_route(routes);
  if (settings.demo_enabled())
    add_demo_routes(routes, engine,
                    {settings.ip_limit, limits.idempotency_capacity, limits.idempotency_ttl,
                     settings.uses_simulator() ? context.inbox : nullptr,
                     limits.idempotency_capacity, settings.code_ttl, settings.delivery_timeout});
}

} // namespace verity::net
