// The safe defaults against the real `verity` binary: live mode without credentials refuses to
// start with one line; the mode shows on every answer and in /readyz with each check's state;
// secrets come from files named by `<KEY>_FILE`, and an unreadable one stops the start.

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <thread>

#include <sys/wait.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"

namespace verity {
namespace {

using namespace std::chrono_literals;
using test::child_process;

class safe_defaults_process_test : public ::testing::Test {
protected:
  void SetUp() override {
    std::random_device seed;
    dir_ = std::filesystem::temp_directory_path()
           / ("verity-defaults-" + std::to_string(seed()) + std::to_string(seed()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  /// A fresh start on loopback, with no Twilio setting at all (empty counts as unset).
  std::map<std::string, std::string> environment() const {
    return {{"VERITY_LISTEN", "127.0.0.1:0"},
            {"VERITY_DATA_DIR", (dir_ / "data").string()},
            {"VERITY_TWILIO", ""},
            {"TWILIO_ACCOUNT_SID", ""},
            {"TWILIO_AUTH_TOKEN", ""},
            {"TWILIO_PHONE_NUMBER", ""},
            {"TWILIO_WHATSAPP_NUMBER", ""},
            {"TWILIO_MESSAGING_SERVICE_SID", ""},
            {"VERITY_API_KEYS", ""}};
  }

  /// Writes `text` to a file of the test directory and returns its path.
  std::string write_file(const std::string& name, const std::string& text) const {
    auto path = dir_ / name;
    std::ofstream{path, std::ios::trunc} << text;
    return path.string();
  }

  /// The exit status of a start that must fail, once it has and its output is all read.
  static int exit_status(child_process& verity) {
    verity.wait_for_line(std::regex{"(?!)"}, 10s); // matches nothing: reads to the end
    auto status = verity.stop(0, 10s); // signal 0: only wait for the exit
    EXPECT_TRUE(status && WIFEXITED(*status)) << verity.output();
    return status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
  }

  std::filesystem::path dir_;
};

TEST_F(safe_defaults_process_test, live_without_credentials_refuses_to_start_with_one_line) {
  child_process verity{test::build_directory() + "/verity", {}, environment()};
  EXPECT_EQ(exit_status(verity), 2);
  auto output = verity.output();
  EXPECT_EQ(std::count(output.begin(), output.end(), '\n'), 1) << output;
  EXPECT_EQ(output.rfind("VERITY_TWILIO: value 'live' is invalid: expected Twilio credentials for "
                         "live mode, missing TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, a sender",
                         0),
            0U)
    << output;
  EXPECT_NE(output.find("set VERITY_TWILIO=simulator"), std::string::npos) << output;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "data")) << "nothing is created";
}

TEST_F(safe_defaults_process_test, the_simulator_mode_shows_on_every_answer_the_log_and_readyz) {
  auto env = environment();
  env["VERITY_TWILIO"] = "simulator";
  child_process verity{test::build_directory() + "/verity", {}, env};
  auto address = verity.wait_for_line(std::regex{R"(verity listening on (http://\S+))"}, 20s);
  ASSERT_TRUE(address) << verity.output();
  EXPECT_NE(verity.output().find("starting: VERITY_TWILIO=simulator"), std::string::npos)
    << verity.output();

  for (const auto* path : {"/healthz", "/no-such-route", "/v1/stats", "/demo/"}) {
    auto answer = test::http_call("GET", *address + path);
    EXPECT_EQ(answer.headers["verity-twilio-mode"], "simulator") << path << " " << answer.status;
  }
  auto ready = test::http_call("GET", *address + "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(nlohmann::json::parse(ready.body, nullptr, false),
            nlohmann::json::parse(R"({"ready": true, "status": "ready", "twilio": "simulator",
              "checks": {"storage": "ok", "egress": "ok", "recovery": "done"}})"));
  EXPECT_TRUE(verity.stop(SIGTERM, 10s));
}

TEST_F(safe_defaults_process_test, live_mode_reports_an_unreachable_twilio_in_readyz) {
  auto env = environment();
  env["VERITY_API_KEYS_FILE"] = write_file("keys", "file-key-0123456789abcdef\n");
  env["TWILIO_ACCOUNT_SID"] = "AC0123456789abcdef0123456789abcdef";
  env["TWILIO_AUTH_TOKEN_FILE"] = write_file("token", "token-from-a-file-0123\n");
  env["TWILIO_PHONE_NUMBER"] = "+15005550006";
  env["TWILIO_API_BASE"] = "http://127.0.0.1:9"; // discard: nothing listens
  env["VERITY_ALLOW_INSECURE_CALLBACKS"] = "true";
  child_process verity{test::build_directory() + "/verity", {}, env};
  auto address = verity.wait_for_line(std::regex{R"(verity listening on (http://\S+))"}, 20s);
  ASSERT_TRUE(address) << verity.output();
  EXPECT_EQ(test::http_call("GET", *address + "/healthz").headers["verity-twilio-mode"], "live");
  EXPECT_EQ(test::http_call("GET", *address + "/readyz").status, 200) << "nothing sent yet";

  const std::vector<std::string> auth{"Authorization: Bearer file-key-0123456789abcdef",
                                      "Content-Type: application/json"};
  auto created = test::http_call("POST", *address + "/v1/verifications",
                                 R"({"to": "+12015550123", "channel": "sms"})", auth);
  EXPECT_EQ(created.status, 201) << "the API key came from its file: " << created.body;
  test::http_result ready;
  for (auto deadline = std::chrono::steady_clock::now() + 15s;
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(100ms)) {
    ready = test::http_call("GET", *address + "/readyz");
    if (ready.status == 503)
      break;
  }
  ASSERT_EQ(ready.status, 503) << ready.body;
  auto body = nlohmann::json::parse(ready.body, nullptr, false);
  EXPECT_EQ(body["twilio"], "live");
  EXPECT_EQ(body["checks"]["storage"], "ok");
  EXPECT_EQ(body["checks"]["egress"].get<std::string>().rfind("Twilio unreachable: ", 0), 0U)
    << body.dump();
  EXPECT_EQ(verity.output().find("token-from-a-file"), std::string::npos) << "never logged";
  EXPECT_TRUE(verity.stop(SIGTERM, 10s));
}

TEST_F(safe_defaults_process_test, an_unreadable_secret_file_stops_the_start_naming_key_and_path) {
  auto env = environment();
  env["VERITY_TWILIO"] = "simulator";
  auto missing = (dir_ / "no-such-file").string();
  env["VERITY_API_KEYS_FILE"] = missing;
  child_process verity{test::build_directory() + "/verity", {}, env};
  EXPECT_EQ(exit_status(verity), 2);
  EXPECT_EQ(verity.output(), "VERITY_API_KEYS_FILE: cannot read the secret file '" + missing
                               + "': No such file or directory\n");

  env["VERITY_API_KEYS_FILE"] = write_file("keys", "key-one\n");
  env["VERITY_API_KEYS"] = "key-two";
  child_process both{test::build_directory() + "/verity", {}, env};
  EXPECT_EQ(exit_status(both), 2);
  EXPECT_EQ(both.output(), "VERITY_API_KEYS and VERITY_API_KEYS_FILE are both set: expected one "
                           "of them\n");
}

} // namespace
} // namespace verity
