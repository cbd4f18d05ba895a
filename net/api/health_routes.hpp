#pragma once

#include <memory>

namespace verity::net {

class readiness;
class router;

/// Adds `GET /healthz` (the process answers: 200 `{"status": "ok"}`) and `GET /readyz` to
/// `routes`: 200 when every check of `checks` passes, else 503, both with
/// `{"ready", "status": "ready"|"not_ready", "twilio": "live"|"simulator", "checks":
/// {"storage", "egress", "recovery"}}` and, when not ready, `"reasons"`.
void add_health_routes(router& routes, std::shared_ptr<readiness> checks);

} // namespace verity::net
