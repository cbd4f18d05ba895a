// Starts the real `verity` binary, as the README's run command does, on an ephemeral loopback
// port with a fresh data directory.

#include <csignal>
#include <filesystem>
#include <random>
#include <regex>
#include <thread>

#include <sys/wait.h>

#include <gtest/gtest.h>

#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"

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
  EXPECT_EQ(scraped.body.find("555"), std::string::npos) << "no phone number in any label";
  verity.stop(SIGTERM, 10s);
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
