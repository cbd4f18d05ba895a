#include "net/api/router.hpp"

#include <optional>
#include <stdexcept>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace verity::net {
namespace {

/// Routes one request and returns the answer given synchronously (nothing if none was).
std::optional<http_response> route(router& routes, std::string method, std::string target) {
  std::optional<http_response> answer;
  http_request request;
  request.method = std::move(method);
  request.target = std::move(target);
  routes.handle(std::move(request), [&answer](http_response response) {
    EXPECT_FALSE(answer.has_value()) << "answered twice";
    answer = std::move(response);
  });
  return answer;
}

/// A handler that answers with the handler's name and its path parameters.
router::route_handler echo(std::string name) {
  return [name](const http_request& request, responder respond) {
    std::string text = name;
    for (const auto& [key, value] : request.path_params)
      text += " " + key + "=" + value;
    respond({200, "text/plain", text, {}});
  };
}

TEST(router_test, path_parameters_are_bound_and_decoded) {
  router routes;
  routes.add("GET", "/v1/items/{id}", echo("item"));
  routes.add("POST", "/v1/items/{id}/check", echo("check"));
  routes.add("GET", "/v1/phones/{e164}/stats", echo("stats"));
  EXPECT_EQ(route(routes, "GET", "/v1/items/VE12?wait=1")->body, "item id=VE12");
  EXPECT_EQ(route(routes, "POST", "/v1/items/a%2Fb/check")->body, "check id=a/b");
  EXPECT_EQ(route(routes, "GET", "/v1/phones/+1201%20555/stats")->body, "stats e164=+1201 555");
}

TEST(router_test, literal_segments_beat_parameters_whatever_the_order) {
  router routes;
  routes.add("GET", "/v1/items/{id}", echo("item"));
  routes.add("GET", "/v1/items/stats", echo("stats"));
  routes.add("GET", "/v1/{kind}/stats", echo("kind"));
  EXPECT_EQ(route(routes, "GET", "/v1/items/stats")->body, "stats");
  EXPECT_EQ(route(routes, "GET", "/v1/items/x")->body, "item id=x");
  EXPECT_EQ(route(routes, "GET", "/v1/users/stats")->body, "kind kind=users");
}

TEST(router_test, unmatched_paths_are_404) {
  router routes;
  routes.add("GET", "/v1/items/{id}", echo("item"));
  for (const char* target : {"/v1/items", "/v1/items/", "/v1/items/a/b", "/v1/items/%zz", "/"}) {
    auto answer = route(routes, "GET", target);
    ASSERT_TRUE(answer) << target;
    EXPECT_EQ(answer->status, 404) << target;
    EXPECT_EQ(nlohmann::json::parse(answer->body)["error"]["code"], "not_found");
  }
}

TEST(router_test, other_methods_are_405_with_allow) {
  router routes;
  routes.add("GET", "/v1/items/{id}", echo("get"));
  routes.add("PUT", "/v1/items/{id}", echo("put"));
  routes.add("GET", "/v1/items/special", echo("special"));
  auto answer = route(routes, "DELETE", "/v1/items/special");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 405);
  ASSERT_EQ(answer->headers.size(), 1u);
  EXPECT_EQ(answer->headers[0].first, "Allow");
  EXPECT_EQ(answer->headers[0].second, "GET, PUT");
}

TEST(router_test, a_throwing_handler_answers_500_once) {
  router routes;
  routes.add("GET", "/boom", [](const http_request&, responder) {
    throw std::runtime_error("boom");
  });
  routes.add("GET", "/twice", [](const http_request&, responder respond) {
    respond({200, "text/plain", "first", {}});
    respond({200, "text/plain", "second", {}});
  });
  auto boom = route(routes, "GET", "/boom");
  ASSERT_TRUE(boom);
  EXPECT_EQ(boom->status, 500);
  EXPECT_EQ(nlohmann::json::parse(boom->body)["error"]["code"], "internal");
  EXPECT_EQ(route(routes, "GET", "/twice")->body, "first");
}

TEST(router_test, a_dropped_responder_answers_500) {
  router routes;
  routes.add("GET", "/lost", [](const http_request&, responder) {});
  auto lost = route(routes, "GET", "/lost");
  ASSERT_TRUE(lost);
  EXPECT_EQ(lost->status, 500);
}

TEST(router_test, malformed_patterns_are_refused) {
  router routes;
  EXPECT_THROW(routes.add("GET", "v1/items", echo("x")), std::invalid_argument);
  EXPECT_THROW(routes.add("GET", "/v1/{}", echo("x")), std::invalid_argument);
}

} // namespace
} // namespace verity::net
