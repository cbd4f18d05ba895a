#include "net/api/metrics_route.hpp"

#include <optional>

#include <gtest/gtest.h>

#include "app/prometheus_metrics.hpp"
#include "net/api/router.hpp"

namespace verity::net {
namespace {

/// Routes one request and returns the answer given synchronously (nothing if none was).
std::optional<http_response> route(router& routes, std::string method, std::string target) {
  std::optional<http_response> answer;
  http_request request;
  request.method = std::move(method);
  request.target = std::move(target);
  routes.handle(std::move(request), [&answer](http_response response) {
    answer = std::move(response);
  });
  return answer;
}

TEST(metrics_route_test, requests_are_counted_by_route_pattern_never_by_path) {
  prometheus_metrics recorded;
  router routes{&recorded};
  add_metrics_route(routes, recorded);
  routes.add("GET", "/v1/verifications/{id}", [](const http_request&, responder respond) {
    respond({200, "application/json", "{}", {}});
  });
  routes.add("POST", "/v1/teapot", [](const http_request&, responder respond) {
    respond({418, "text/plain", "", {}});
  });
  route(routes, "GET", "/v1/verifications/VE0123");
  route(routes, "GET", "/v1/verifications/VE4567");
  route(routes, "POST", "/v1/teapot");
  route(routes, "GET", "/nowhere/+12015550123");

  auto answer = route(routes, "GET", "/metrics");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->content_type, "text/plain; version=0.0.4; charset=utf-8");
  const auto& text = answer->body;
  EXPECT_NE(text.find(R"(verity_http_requests_total{code="200",route="/v1/verifications/{id}"} 2)"),
            std::string::npos)
    << text;
  EXPECT_NE(
    text.find(R"(verity_http_request_duration_seconds_count{route="/v1/verifications/{id}"} 2)"),
    std::string::npos);
  EXPECT_NE(text.find(R"(verity_http_requests_total{code="other",route="/v1/teapot"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(verity_http_requests_total{code="404",route="unmatched"} 1)"),
            std::string::npos);
  EXPECT_EQ(text.find("VE0123"), std::string::npos);
  EXPECT_EQ(text.find("+1201"), std::string::npos);
}

TEST(metrics_route_test, a_router_without_metrics_records_nothing_and_still_answers) {
  router routes;
  routes.add("GET", "/x", [](const http_request&, responder respond) {
    respond({204, "text/plain", "", {}});
  });
  EXPECT_EQ(route(routes, "GET", "/x")->status, 204);
  EXPECT_EQ(route(routes, "GET", "/y")->status, 404);
}

} // namespace
} // namespace verity::net
