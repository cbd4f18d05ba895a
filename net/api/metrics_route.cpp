#include "net/api/metrics_route.hpp"

#include "engine/metrics.hpp"
#include "net/api/router.hpp"

namespace verity::net {

void add_metrics_route(router& routes, const metrics& recorded) {
  routes.add("GET", "/metrics", [&recorded](const http_request&, responder respond) {
    respond({200, "text/plain; version=0.0.4; charset=utf-8", recorded.text(), {}});
  });
}

} // namespace verity::net
