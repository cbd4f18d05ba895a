#include "net/api/health_routes.hpp"

#include <nlohmann/json.hpp>

#include "net/api/readiness.hpp"
#include "net/api/router.hpp"

namespace verity::net {

namespace {

/// The JSON body of a readiness report.
nlohmann::json readiness_body(const readiness_report& report) {
  nlohmann::json checks = nlohmann::json::object();
  for (const auto& item : report.checks)
    checks[item.name] = item.state;
  bool ready = report.ready();
  nlohmann::json body = {{"ready", ready},
                         {"status", ready ? "ready" : "not_ready"},
                         {"twilio", report.twilio},
                         {"checks", checks}};
  if (!ready)
    body["reasons"] = report.reasons();
  return body;
}

} // namespace

void add_health_routes(router& routes, std::shared_ptr<readiness> checks) {
  routes.add("GET", "/healthz", [](const http_request&, responder respond) {
    respond({200, "application/json", R"({"status":"ok"})", {}});
  });
  routes.add("GET", "/readyz",
             [checks = std::move(checks)](const http_request&, responder respond) {
               checks->report([respond](readiness_report report) {
                 respond({report.ready() ? 200 : 503, "application/json",
                          readiness_body(report).dump(), {}});
               });
             });
}

} // namespace verity::net
