// The real `verity` binary as a browser page on another origin and users behind a proxy reach
// it: CORS preflights and headers for VERITY_CORS_ORIGINS on the compatibility routes (none on
// /v1), and the per-IP limit keyed on the X-Forwarded-For client only when the socket address
// is in VERITY_TRUSTED_PROXIES.

#include <csignal>
#include <filesystem>
#include <map>
#include <random>
#include <regex>

#include <gtest/gtest.h>

#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"

namespace verity {
namespace {

using namespace std::chrono_literals;
using test::http_result;

constexpr const char* page_origin = "http://127.0.0.1:5173";
constexpr const char* other_origin = "http://127.0.0.1:5174";
constexpr const char* send_route = "/api/referrals/send-verification";
/// A compatibility route behind the per-IP limit that changes nothing (an unknown SID: 404).
constexpr const char* status_route = "/api/referrals/delivery-status/SM00000000000000000000000000000000";

class browser_access_process_test : public ::testing::Test {
protected:
  void SetUp() override {
    std::random_device seed;
    data_dir_ = std::filesystem::temp_directory_path()
                / ("verity-browser-access-" + std::to_string(seed()) + std::to_string(seed()));
  }

  void TearDown() override {
    if (verity_)
      verity_->stop(SIGTERM, 10s);
    verity_.reset();
    std::filesystem::remove_all(data_dir_);
  }

  /// Starts verity (built-in simulator, loopback, any port) with `extra` settings.
  void start(const std::map<std::string, std::string>& extra) {
    std::map<std::string, std::string> env{{"VERITY_LISTEN", "127.0.0.1:0"},
                                           {"VERITY_TWILIO", "simulator"},
                                           {"VERITY_DATA_DIR", data_dir_.string()},
                                           {"VERITY_SYNC", "false"},
                                           {"TWILIO_ACCOUNT_SID", ""},
                                           {"TWILIO_AUTH_TOKEN", ""}};
    env.insert(extra.begin(), extra.end());
    verity_ = std::make_unique<test::child_process>(test::build_directory() + "/verity",
                                                    std::vector<std::string>{}, env);
    auto address = verity_->wait_for_line(std::regex{R"(verity listening on (http://\S+))"}, 30s);
    ASSERT_TRUE(address) << verity_->output();
    address_ = *address;
  }

  http_result call(const std::string& method, const std::string& path,
                   const std::vector<std::string>& headers, const std::string& body = {}) const {
    return test::http_call(method, address_ + path, body, headers);
  }

  /// The browser's preflight of a JSON POST from `origin`.
  http_result preflight(const std::string& path, const std::string& origin) const {
    return call("OPTIONS", path,
                {"Origin: " + origin, "Access-Control-Request-Method: POST",
                 "Access-Control-Request-Headers: content-type"});
  }

  /// The status a GET of the status route from `client` (as a proxy names it) gets.
  long status_via_proxy(const std::string& client) const {
    return call("GET", status_route, {"X-Forwarded-For: " + client}).status;
  }

  std::filesystem::path data_dir_;
  std::unique_ptr<test::child_process> verity_;
  std::string address_;
};

/// True when `result` has no Access-Control-* header.
bool has_no_cors_header(const http_result& result) {
  for (const auto& [name, value] : result.headers)
    if (name.rfind("access-control-", 0) == 0)
      return false;
  return true;
}

TEST_F(browser_access_process_test, allowed_origins_pass_the_preflight_and_others_do_not) {
  start({{"VERITY_CORS_ORIGINS", page_origin}});
  for (const char* path : {send_route, "/api/referrals/verify-code", status_route,
                           "/demo/api/verifications"}) {
    auto allowed = preflight(path, page_origin);
    EXPECT_EQ(allowed.status, 204) << path << allowed.body;
    EXPECT_EQ(allowed.headers["access-control-allow-origin"], page_origin) << path;
    EXPECT_EQ(allowed.headers["access-control-allow-methods"], "GET, POST") << path;
    EXPECT_EQ(allowed.headers["access-control-allow-headers"], "Content-Type") << path;
    EXPECT_FALSE(allowed.headers["access-control-max-age"].empty()) << path;
    EXPECT_EQ(allowed.headers["vary"], "Origin") << path;
    auto other = preflight(path, other_origin);
    EXPECT_EQ(other.status, 403) << path;
    EXPECT_TRUE(has_no_cors_header(other)) << path;
  }
  auto server_to_server = preflight("/v1/verifications", page_origin);
  EXPECT_EQ(server_to_server.status, 405);
  EXPECT_TRUE(has_no_cors_header(server_to_server));
}

TEST_F(browser_access_process_test, compatibility_answers_carry_the_allowed_origin) {
  start({{"VERITY_CORS_ORIGINS", std::string{other_origin} + "," + page_origin}});
  std::vector<std::string> json_from_page{"Origin: " + std::string{page_origin},
                                          "Content-Type: application/json"};
  auto sent = call("POST", send_route, json_from_page,
                   R"({"phone": "+12015550100", "method": "sms"})");
  EXPECT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(sent.headers["access-control-allow-origin"], page_origin);
  EXPECT_EQ(sent.headers["vary"], "Origin");
  auto refused = call("POST", send_route, json_from_page, R"({"method": "sms"})");
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(refused.headers["access-control-allow-origin"], page_origin);
  auto missing = call("GET", status_route, {"Origin: " + std::string{page_origin}});
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(missing.headers["access-control-allow-origin"], page_origin);
  auto stranger = call("GET", status_route, {"Origin: http://evil.test"});
  EXPECT_EQ(stranger.status, 404);
  EXPECT_TRUE(has_no_cors_header(stranger));
  auto v1 = call("GET", "/v1/verifications/VE00000000000000000000000000000000",
                 {"Origin: " + std::string{page_origin}});
  EXPECT_TRUE(has_no_cors_header(v1)) << "/v1 is server to server";
}

TEST_F(browser_access_process_test, behind_a_trusted_proxy_each_client_has_its_own_limit) {
  start({{"VERITY_TRUSTED_PROXIES", "127.0.0.1/32"}, {"VERITY_IP_LIMIT", "2/1m"}});
  EXPECT_EQ(status_via_proxy("203.0.113.1"), 404);
  EXPECT_EQ(status_via_proxy("203.0.113.1"), 404);
  EXPECT_EQ(status_via_proxy("203.0.113.1"), 429) << "the first client used its limit";
  EXPECT_EQ(status_via_proxy("203.0.113.2"), 404) << "another client has its own";
  EXPECT_EQ(status_via_proxy("198.51.100.9, 203.0.113.2"), 404)
    << "a spoofed left-most entry does not count: the right-most untrusted hop is the client";
  EXPECT_EQ(status_via_proxy("198.51.100.9, 203.0.113.2"), 429);
}

TEST_F(browser_access_process_test, without_trusted_proxies_the_header_is_ignored) {
  start({{"VERITY_IP_LIMIT", "2/1m"}});
  EXPECT_EQ(status_via_proxy("203.0.113.1"), 404);
  EXPECT_EQ(status_via_proxy("203.0.113.2"), 404);
  EXPECT_EQ(status_via_proxy("203.0.113.3"), 429) << "every request shares the socket's limit";
}

TEST_F(browser_access_process_test, invalid_values_stop_the_start_with_one_clear_line) {
  for (auto [key, value] : {std::pair{"VERITY_TRUSTED_PROXIES", "10.0.0.0/33"},
                            std::pair{"VERITY_CORS_ORIGINS", "https://app.example.com/page"}}) {
    test::child_process verity{test::build_directory() + "/verity", {},
                               {{"VERITY_LISTEN", "127.0.0.1:0"},
                                {"VERITY_TWILIO", "simulator"},
                                {"VERITY_DATA_DIR", data_dir_.string()},
                                {key, value}}};
    auto line = verity.wait_for_line(std::regex{std::string{"("} + key + ".*)"}, 10s);
    ASSERT_TRUE(line) << verity.output();
    EXPECT_NE(line->find(std::string{"'"} + value + "' is invalid: expected"), std::string::npos)
      << *line;
    auto status = verity.stop(0, 10s); // signal 0: only wait for the exit
    ASSERT_TRUE(status);
    EXPECT_EQ(WEXITSTATUS(*status), 2);
  }
}

} // namespace
} // namespace verity
