#include "net/api_routes.hpp"

#include <memory>

#include "net/api_context.hpp"
#include "net/api_v1_routes.hpp"
#include "net/compat_routes.hpp"
#include "net/demo_routes.hpp"
#include "net/engine_client.hpp"
#include "net/report_routes.hpp"
#include "net/webhook_routes.hpp"

namespace verity::net {

namespace {

/// The tokens Twilio may sign with: the current one and, while rotating, the previous one.
std::vector<std::string> auth_tokens(const twilio_settings& twilio) {
  return {twilio.auth_token, twilio.auth_token_previous};
}

} // namespace

void add_api_routes(router& routes, const api_context& context) {
  auto engine = std::make_shared<engine_client>(context);
  const auto& settings = context.settings;
  const auto& limits = context.limits;
  add_api_v1_routes(routes, engine,
                    {settings.api_keys, limits.idempotency_capacity, limits.idempotency_ttl});
  add_report_routes(routes, engine, settings.api_keys);
  add_compat_routes(routes, engine,
                    {settings.ip_limit, limits.compat_send_wait, limits.compat_index_capacity,
                     settings.code_ttl});
  add_webhook_routes(routes, engine,
                     {settings.public_url, auth_tokens(settings.twilio), context.recorder});
  if (settings.demo_enabled())
    add_demo_routes(routes, engine,
                    {settings.ip_limit, limits.idempotency_capacity, limits.idempotency_ttl,
                     context.inbox});
}

} // namespace verity::net
