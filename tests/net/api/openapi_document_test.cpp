// docs/openapi.json against the router: every route the process serves is described, every
// described operation is served, and GET /openapi.json answers the document compiled in.
#include "net/api/openapi_route.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "actors/system_setup.hpp"
#include "app/prometheus_metrics.hpp"
#include "net/api/context.hpp"
#include "net/api/health_routes.hpp"
#include "net/api/metrics_route.hpp"
#include "net/api/readiness.hpp"
#include "net/api/router.hpp"
#include "net/api/routes.hpp"
#include "net/api/simulated_phones.hpp"

namespace verity::net {
namespace {

/// (method in upper case, path pattern): how the router and the document both name a route.
using operation = std::pair<std::string, std::string>;

/// The HTTP methods an OpenAPI path item may describe.
constexpr std::array<std::string_view, 8> described_methods{
  "get", "put", "post", "delete", "options", "head", "patch", "trace"};

/// Simulated phones that never received anything: with them the demo adds every route it has.
class no_phones final : public simulated_phones {
public:
  std::optional<simulated_message> find(const std::string&) const override { return std::nullopt; }
};

std::string upper(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return result;
}

/// The router of a whole process, every optional route on: the operations routes as
/// app/engine_runner.cpp adds them, then add_api_routes with the demo and simulated phones.
class openapi_document_test : public ::testing::Test {
protected:
  openapi_document_test() : config_(configured()), system_(config_) {
    add_metrics_route(routes_, recorded_);
    readiness_sources sources;
    sources.twilio = "simulator";
    sources.stopping = [] { return false; };
    sources.recovered = [] { return true; };
    sources.egress = [] { return check_outcome{}; };
    sources.storage = [](std::function<void(check_outcome)> done) { done(check_outcome{}); };
    add_health_routes(routes_, std::make_shared<readiness>(std::move(sources)));
    auto settings = default_config();
    settings.demo = true;
    api_context context{system_, settings, {}, {}, std::vector<std::uint8_t>(32, 0x5a), {}};
    context.inbox = std::make_shared<no_phones>();
    add_api_routes(routes_, context);
  }

  static caf::actor_system_config configured() {
    caf::actor_system_config cfg;
    actors::apply_scheduler_settings(cfg, {1, 300});
    return cfg;
  }

  /// What the router serves.
  std::set<operation> served() const {
    std::set<operation> result;
    for (const auto& route : routes_.registered())
      result.emplace(route.method, route.pattern);
    return result;
  }

  /// What the compiled-in document describes.
  static std::set<operation> described() {
    auto document = nlohmann::json::parse(openapi_document());
    std::set<operation> result;
    for (const auto& [path, item] : document.at("paths").items())
      for (auto method : described_methods)
        if (item.contains(method))
          result.emplace(upper(method), path);
    return result;
  }

  caf::actor_system_config config_; ///< The system keeps a reference: it must outlive it.
  caf::actor_system system_;
  prometheus_metrics recorded_;
  router routes_;
};

TEST_F(openapi_document_test, every_served_route_is_described) {
  auto document = described();
  for (const auto& route : served())
    EXPECT_TRUE(document.contains(route))
      << route.first << " " << route.second << " is served but not in docs/openapi.json";
}

TEST_F(openapi_document_test, every_described_operation_is_served) {
  auto routes = served();
  for (const auto& route : described())
    EXPECT_TRUE(routes.contains(route))
      << route.first << " " << route.second << " is in docs/openapi.json but not served";
}

TEST_F(openapi_document_test, the_document_is_served_as_json_without_an_api_key) {
  std::optional<http_response> answer;
  http_request request;
  request.method = "GET";
  request.target = std::string(openapi_path);
  routes_.handle(std::move(request), [&answer](http_response response) {
    answer = std::move(response);
  });
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->content_type, "application/json");
  EXPECT_EQ(answer->body, openapi_document());
  auto document = nlohmann::json::parse(answer->body);
  EXPECT_EQ(document.at("openapi"), "3.1.0");
}

} // namespace
} // namespace verity::net
