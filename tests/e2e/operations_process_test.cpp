// The settings an operator runs Verity with, tested on the real `verity` binary on ephemeral
// loopback ports: the separate admin listener (VERITY_ADMIN_LISTEN).

#include <csignal>
#include <filesystem>
#include <random>
#include <regex>

#include <sys/wait.h>

#include <gtest/gtest.h>

#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"

namespace verity {
namespace {

using namespace std::chrono_literals;
using test::child_process;

const std::regex public_line{R"(verity listening on (http://\S+))"};
const std::regex admin_line{R"(verity admin listening on (http://\S+))"};

class operations_process_test : public ::testing::Test {
protected:
  void SetUp() override {
    std::random_device seed;
    data_dir_ = std::filesystem::temp_directory_path()
                / ("verity-ops-" + std::to_string(seed()) + std::to_string(seed()));
  }
  void TearDown() override { std::filesystem::remove_all(data_dir_); }

  /// The environment of a fresh start: loopback, any port, the simulator, one API key.
  std::map<std::string, std::string> environment() const {
    return {{"VERITY_LISTEN", "127.0.0.1:0"},
            {"VERITY_DATA_DIR", data_dir_.string()},
            {"VERITY_TWILIO", "simulator"},
            {"VERITY_API_KEYS", api_key},
            {"TWILIO_ACCOUNT_SID", ""},
            {"TWILIO_AUTH_TOKEN", ""}};
  }

  /// Starts `verity` with `env`.
  static std::unique_ptr<child_process> start(const std::map<std::string, std::string>& env) {
    return std::make_unique<child_process>(test::build_directory() + "/verity",
                                           std::vector<std::string>{}, env);
  }

  static constexpr const char* api_key = "ops-key-0123456789abcdef";
  std::filesystem::path data_dir_;
};

TEST_F(operations_process_test, the_admin_listener_serves_metrics_and_health_and_the_public_one_no_metrics) {
  auto env = environment();
  env["VERITY_ADMIN_LISTEN"] = "127.0.0.1:0";
  auto verity = start(env);
  auto address = verity->wait_for_line(public_line, 20s);
  ASSERT_TRUE(address) << verity->output();
  auto admin = verity->wait_for_line(admin_line, 5s);
  ASSERT_TRUE(admin) << verity->output();
  ASSERT_NE(*admin, *address);

  auto metrics = test::http_call("GET", *admin + "/metrics");
  EXPECT_EQ(metrics.status, 200) << metrics.error;
  EXPECT_NE(metrics.body.find("verity_verifications_started_total"), std::string::npos);
  EXPECT_EQ(metrics.headers["verity-twilio-mode"], "simulator");
  for (const auto* base : {&*admin, &*address}) {
    EXPECT_EQ(test::http_call("GET", *base + "/healthz").status, 200) << *base;
    EXPECT_EQ(test::http_call("GET", *base + "/readyz").status, 200) << *base;
  }
  EXPECT_EQ(test::http_call("GET", *address + "/metrics").status, 404)
    << "metrics leave the public listener";
  EXPECT_EQ(test::http_call("POST", *admin + "/v1/verifications", R"({"to": "+12015550123"})",
                            {"Authorization: Bearer " + std::string{api_key},
                             "Content-Type: application/json"})
              .status,
            404)
    << "the API stays on the public listener";

  auto status = verity->stop(SIGTERM, 10s);
  ASSERT_TRUE(status) << verity->output();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
}

TEST_F(operations_process_test, without_an_admin_listener_metrics_stay_on_the_public_one) {
  auto verity = start(environment());
  auto address = verity->wait_for_line(public_line, 20s);
  ASSERT_TRUE(address) << verity->output();
  EXPECT_EQ(test::http_call("GET", *address + "/metrics").status, 200);
  EXPECT_EQ(verity->output().find("admin listening"), std::string::npos);
  EXPECT_TRUE(verity->stop(SIGTERM, 10s));
}

} // namespace
} // namespace verity
