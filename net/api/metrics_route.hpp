#pragma once

namespace verity {
class metrics;
} // namespace verity

namespace verity::net {

class router;

/// Adds `GET /metrics` to `routes`: everything `recorded` holds, in the Prometheus text
/// exposition format. `recorded` must outlive the routes.
void add_metrics_route(router& routes, const metrics& recorded);

} // namespace verity::net
