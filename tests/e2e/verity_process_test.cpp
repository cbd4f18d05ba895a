// Starts the real `verity` binary, as the README's run command does, on an ephemeral loopback
// port with a fresh data directory.

#include <csignal>
#include <filesystem>
#include <random>
#include <regex>
#include <thread>

#include <sys/wait.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/raw_connection.hpp"

namespace verity {
namespace {

using namespace std::chrono_literals;
using test::child_process;

class verity_process_test : public ::testing::Test {
protected:
  void SetUp() override {
    std::random_device seed;
    data_dir_ = std::filesystem::temp_directory_path()
                / ("verity-e2e-" + std::to_string(seed()) + std::to_string(seed()));
  }
  void TearDown() override { std::filesystem::remove_all(data_dir_); }

  /// The environment of a fresh start: loopback, any port, no Twilio credentials.
  std::map<std::string, std::string> environment() const {
    return {{"VERITY_LISTEN", "127.0.0.1:0"},
            {"VERITY_DATA_DIR", data_dir_.string()},
            {"VERITY_TWILIO", "simulator"},
            {"TWILIO_ACCOUNT_SID", ""},
            {"TWILIO_AUTH_TOKEN", ""}};
  }

  std::string verity_binary() const { return test::build_directory() + "/verity"; }

  std::filesystem::path data_dir_;
};

TEST_F(verity_process_test, serves_health_and_stops_cleanly_on_sigterm) {
  child_process verity{verity_binary(), {}, environment()};
  auto address = verity.wait_for_line(std::regex{R"(verity listening on (http://\S+))"}, 20s);
  ASSERT_TRUE(address) << verity.output();

  auto health = test::http_call("GET", *address + "/healthz");
  EXPECT_EQ(health.status, 200) << health.error;
  EXPECT_EQ(test::http_call("GET", *address + "/readyz").status, 200);
  EXPECT_TRUE(std::filesystem::exists(data_dir_ / "CURRENT")) << "RocksDB lives in the data dir";

  auto status = verity.stop(SIGTERM, 10s);
  ASSERT_TRUE(status) << "did not exit within 10 s of SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
  auto log = verity.output();
  EXPECT_NE(log.find("built-in Twilio simulator"), std::string::npos) << log;
  EXPECT_NE(log.find("VERITY_API_KEYS"), std::string::npos) << log;
}

TEST_F(verity_process_test, metrics_count_a_verification_through_to_delivery) {
  auto env = environment();
  env["VERITY_API_KEYS"] = "e2e-key-0123456789abcdef";
  child_process verity{verity_binary(), {}, env};
  auto address = verity.wait_for_line(std::regex{R"(verity listening on (http://\S+))"}, 20s);
  ASSERT_TRUE(address) << verity.output();

  auto created = test::http_call("POST", *address + "/v1/verifications",
                                 R"({"to": "+1 201 555 0123"})",
                                 {"Authorization: Bearer e2e-key-0123456789abcdef",
                                  "Content-Type: application/json"});
  ASSERT_EQ(created.status / 100, 2) << created.body << created.error;

  std::regex delivered{R"(\nverity_time_to_delivered_seconds_count\{channel="\w+"\} 1\n)"};
  test::http_result scraped;
  auto deadline = std::chrono::steady_clock::now() + 20s;
  do {
    std::this_thread::sleep_for(100ms);
    scraped = test::http_call("GET", *address + "/metrics");
  } while (!std::regex_search(scraped.body, delivered)
           && std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(scraped.status, 200) << scraped.error;
  EXPECT_TRUE(std::regex_search(scraped.body, delivered)) << scraped.body;
  EXPECT_NE(scraped.body.find("\nverity_verifications_started_total 1\n"), std::string::npos);
  EXPECT_NE(
    scraped.body.find(R"(verity_http_requests_total{code="201",route="/v1/verifications"} 1)"),
    std::string::npos)
    << scraped.body;
  // Only labels can leak a number: sample values (a duration sum such as 0.0155517) may hold
  // the digits by chance.
  EXPECT_FALSE(std::regex_search(scraped.body, std::regex{R"(\{[^}\n]*555[^}\n]*\})"}))
    << "no phone number in any label";
  verity.stop(SIGTERM, 10s);
}

TEST_F(verity_process_test, sigterm_finishes_requests_in_flight_reports_not_ready_and_keeps_state) {
  const std::string key = "e2e-key-0123456789abcdef";
  auto env = environment();
  env["VERITY_API_KEYS"] = key;
  env["VERITY_PRESTOP"] = "2s"; // not ready, still serving: then idle connections close
  auto verity = std::make_unique<child_process>(verity_binary(), std::vector<std::string>{}, env);
  auto address = verity->wait_for_line(std::regex{R"(verity listening on (http://\S+))"}, 20s);
  ASSERT_TRUE(address) << verity->output();
  auto port = static_cast<std::uint16_t>(std::stoi(address->substr(address->rfind(':') + 1)));
  const std::vector<std::string> auth{"Authorization: Bearer " + key,
                                      "Content-Type: application/json"};

  // A verification, polled until its last receipt (read), so a further poll can only time out.
  auto created = test::http_call("POST", *address + "/v1/verifications",
                                 R"({"to": "+12015550123"})", auth);
  ASSERT_EQ(created.status, 201) << created.body << created.error;
  auto view = nlohmann::json::parse(created.body);
  auto id = view["id"].get<std::string>();
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (view["delivery"]["state"] != "read" && std::chrono::steady_clock::now() < deadline)
    view = nlohmann::json::parse(
      test::http_call("GET",
                      *address + "/v1/verifications/" + id + "?wait=10&seen="
                        + view["delivery"]["state"].get<std::string>(),
                      {}, auth)
        .body);
  ASSERT_EQ(view["delivery"]["state"], "read");

  // Two accepted connections: one with a 5 s long poll in flight (it outlasts the pre-stop
  // delay), one idle. The server accepts in connection order, so once the idle one is answered
  // the polling one is accepted too.
  test::raw_connection polling{port, 10s};
  polling.send("GET /v1/verifications/" + id + "?wait=5&seen=read HTTP/1.1\r\nHost: x\r\n"
               "Authorization: Bearer " + key + "\r\n\r\n");
  test::raw_connection idle{port};
  idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(idle.read_response());

  EXPECT_FALSE(verity->stop(SIGTERM, 0ms)) << "signal 0 ms ago: still draining";
  ASSERT_TRUE(verity->wait_for_line(std::regex{R"(received signal)"}, 10s)) << verity->output();
  idle.send("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n");
  auto ready = idle.read_response();
  ASSERT_TRUE(ready) << verity->output();
  EXPECT_EQ(ready->status, 503);
  EXPECT_EQ(nlohmann::json::parse(ready->body)["reasons"][0], "shutting down");
  EXPECT_TRUE(idle.read_until_close().empty());
  EXPECT_TRUE(idle.closed_by_server()) << "the idle connection closes once the delay is over";
  auto polled = polling.read_response();
  ASSERT_TRUE(polled) << "the long poll in flight is answered";
  EXPECT_EQ(polled->status, 200);
  EXPECT_EQ(nlohmann::json::parse(polled->body)["id"], id);
  EXPECT_TRUE(polled->closes);

  auto status = verity->stop(0, 10s);
  ASSERT_TRUE(status) << "did not exit after draining";
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
  EXPECT_THROW(test::raw_connection{port}, std::runtime_error) << "nothing listens any more";

  // Everything acknowledged was flushed: a restart on the same directory serves it.
  verity = std::make_unique<child_process>(verity_binary(), std::vector<std::string>{}, env);
  address = verity->wait_for_line(std::regex{R"(verity listening on (http://\S+))"}, 20s);
  ASSERT_TRUE(address) << verity->output();
  auto again = test::http_call("GET", *address + "/v1/verifications/" + id, {}, auth);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(nlohmann::json::parse(again.body, nullptr, false)["delivery"]["state"], "read");
  verity->stop(SIGTERM, 10s);
}

TEST_F(verity_process_test, bad_configuration_stops_the_start_with_a_clear_line) {
  auto env = environment();
  env["VERITY_CODE_LENGTH"] = "3";
  child_process verity{verity_binary(), {}, env};
  auto line = verity.wait_for_line(std::regex{R"((VERITY_CODE_LENGTH.*))"}, 10s);
  ASSERT_TRUE(line) << verity.output();
  EXPECT_NE(line->find("'3'"), std::string::npos) << *line;
  auto status = verity.stop(0, 10s); // signal 0: only wait for the exit
  ASSERT_TRUE(status);
  EXPECT_EQ(WEXITSTATUS(*status), 2);
  EXPECT_FALSE(std::filesystem::exists(data_dir_)) << "nothing is created before validation";
}

TEST_F(verity_process_test, check_config_rejects_bad_values) {
  auto env = environment();
  env["VERITY_DELIVERY_TIMEOUT"] = "soon";
  child_process check{verity_binary(), {"check-config"}, env};
  auto line = check.wait_for_line(std::regex{R"((VERITY_DELIVERY_TIMEOUT.*))"}, 10s);
  ASSERT_TRUE(line) << check.output();
  EXPECT_NE(line->find("soon"), std::string::npos) << *line;
  auto status = check.stop(0, 10s);
  ASSERT_TRUE(status);
  EXPECT_EQ(WEXITSTATUS(*status), 2);
}

TEST_F(verity_process_test, port_in_use_is_reported) {
  child_process first{verity_binary(), {}, environment()};
  auto address = first.wait_for_line(std::regex{R"(verity listening on http://(\S+))"}, 20s);
  ASSERT_TRUE(address) << first.output();
  auto env = environment();
  env["VERITY_LISTEN"] = *address;
  env["VERITY_DATA_DIR"] = (data_dir_ / "second").string();
  child_process second{verity_binary(), {}, env};
  auto line = second.wait_for_line(std::regex{R"((HTTP server failed to start.*))"}, 20s);
  ASSERT_TRUE(line) << second.output();
  auto status = second.stop(0, 10s);
  ASSERT_TRUE(status);
  EXPECT_EQ(WEXITSTATUS(*status), 1);
}

} // namespace
} // namespace verity
