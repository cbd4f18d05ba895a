#pragma once

#include <functional>
#include <string>
#include <vector>

namespace verity::net {

class router;

/// Says why the process is not ready to take traffic; an empty list means ready.
using readiness_check = std::function<std::vector<std::string>()>;

/// Adds `GET /healthz` (the process answers) and `GET /readyz` (200 when `check` finds nothing
/// wrong, else 503 with the reasons) to `routes`.
void add_health_routes(router& routes, readiness_check check);

} // namespace verity::net
