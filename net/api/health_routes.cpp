#include "net/api/health_routes.hpp"

#include <nlohmann/json.hpp>

#include "net/api/router.hpp"

namespace verity::net {

void add_health_routes(router& routes, readiness_check check) {
  routes.add("GET", "/healthz", [](const http_request&, responder respond) {
    respond({200, "application/json", R"({"status":"ok"})", {}});
  });
  routes.add("GET", "/readyz", [check = std::move(check)](const http_request&, responder respond) {
    auto reasons = check();
    if (reasons.empty())
      return respond({200, "application/json", R"({"status":"ready"})", {}});
    nlohmann::json body = {{"status", "not_ready"}, {"reasons", reasons}};
    respond({503, "application/json", body.dump(), {}});
  });
}

} // namespace verity::net
