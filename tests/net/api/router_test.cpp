#include "net/api/router.hpp"

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

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

/// Routes `request` and returns the answer given synchronously (nothing if none was).
std::optional<http_response> route(router& routes, http_request request) {
  std::optional<http_response> answer;
  routes.handle(std::move(request), [&answer](http_response response) { answer = std::move(response); });
  return answer;
}

/// A request from `origin` (none when empty), with `extra` headers.
http_request browser_request(std::string method, std::string target, std::string origin,
                             std::vector<std::pair<std::string, std::string>> extra = {}) {
  http_request request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.remote_address = "192.0.2.1";
  if (!origin.empty())
    request.headers.emplace_back("Origin", std::move(origin));
  for (auto& header : extra)
    request.headers.push_back(std::move(header));
  return request;
}

/// The value of header `name` in `answer`, or nothing.
std::optional<std::string> header_of(const http_response& answer, std::string_view name) {
  for (const auto& [key, value] : answer.headers)
    if (key == name)
      return value;
  return std::nullopt;
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

/// A router with a browser group (/api/) open to one origin, and a server-to-server route.
router cors_router() {
  router routes;
  routes.allow_cors("/api/", std::make_shared<const cors_policy>(
                               std::vector<std::string>{"http://127.0.0.1:5173"}));
  routes.add("POST", "/api/send", echo("send"));
  routes.add("GET", "/api/status/{id}", [](const http_request&, responder respond) {
    respond(error_response(429, "rate_limited", "Slow down."));
  });
  routes.add("POST", "/v1/send", echo("v1"));
  return routes;
}

TEST(router_test, cors_groups_answer_preflights_of_allowed_origins) {
  auto routes = cors_router();
  std::vector<std::pair<std::string, std::string>> asks_post{
    {"Access-Control-Request-Method", "POST"}, {"Access-Control-Request-Headers", "content-type"}};
  auto allowed = route(routes, browser_request("OPTIONS", "/api/send", "http://127.0.0.1:5173",
                                               asks_post));
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->status, 204);
  EXPECT_EQ(header_of(*allowed, "Access-Control-Allow-Origin"), "http://127.0.0.1:5173");
  EXPECT_EQ(header_of(*allowed, "Access-Control-Allow-Methods"), "GET, POST");
  auto other = route(routes, browser_request("OPTIONS", "/api/send", "http://127.0.0.1:5174",
                                             asks_post));
  EXPECT_EQ(other->status, 403);
  EXPECT_FALSE(header_of(*other, "Access-Control-Allow-Origin"));
  auto unknown = route(routes, browser_request("OPTIONS", "/api/nothing", "http://127.0.0.1:5173",
                                               asks_post));
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(header_of(*unknown, "Access-Control-Allow-Origin"), "http://127.0.0.1:5173");
  auto server_to_server = route(routes, browser_request("OPTIONS", "/v1/send",
                                                        "http://127.0.0.1:5173", asks_post));
  EXPECT_EQ(server_to_server->status, 405);
  EXPECT_TRUE(server_to_server->headers.size() == 1) << "only Allow: no CORS on /v1";
}

TEST(router_test, every_answer_of_a_cors_group_names_an_allowed_origin) {
  auto routes = cors_router();
  const std::string origin = "http://127.0.0.1:5173";
  for (auto [method, target, status] : {std::tuple{"POST", "/api/send", 200},
                                        std::tuple{"GET", "/api/status/1", 429},
                                        std::tuple{"GET", "/api/send", 405},
                                        std::tuple{"GET", "/api/none", 404}}) {
    auto answer = route(routes, browser_request(method, target, origin));
    ASSERT_TRUE(answer) << target;
    EXPECT_EQ(answer->status, status) << target;
    EXPECT_EQ(header_of(*answer, "Access-Control-Allow-Origin"), origin) << target;
    EXPECT_EQ(header_of(*answer, "Vary"), "Origin") << target;
    auto stranger = route(routes, browser_request(method, target, "https://evil.test"));
    EXPECT_FALSE(header_of(*stranger, "Access-Control-Allow-Origin")) << target;
  }
  auto v1 = route(routes, browser_request("POST", "/v1/send", origin));
  EXPECT_TRUE(v1->headers.empty()) << "no CORS on /v1";
}

TEST(router_test, handlers_see_the_client_address_through_trusted_proxies_only) {
  router routes;
  routes.add("GET", "/who", [](const http_request& request, responder respond) {
    respond({200, "text/plain", request.client_address, {}});
  });
  auto forwarded = [] {
    auto request = browser_request("GET", "/who", "", {{"X-Forwarded-For", "203.0.113.5"}});
    request.remote_address = "127.0.0.1";
    return request;
  };
  EXPECT_EQ(route(routes, forwarded())->body, "127.0.0.1");
  routes.trust_proxies(parse_networks("127.0.0.0/8").value());
  EXPECT_EQ(route(routes, forwarded())->body, "203.0.113.5");
}

TEST(router_test, malformed_patterns_are_refused) {
  router routes;
  EXPECT_THROW(routes.add("GET", "v1/items", echo("x")), std::invalid_argument);
  EXPECT_THROW(routes.add("GET", "/v1/{}", echo("x")), std::invalid_argument);
}

} // namespace
} // namespace verity::net
