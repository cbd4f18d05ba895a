// The ends of a verification through the real `verity` binary (built-in simulator, ephemeral
// loopback port, fresh data directory): the lock after too many wrong codes and a cancel, each
// answered as API.md says and still so after a restart.

#include <csignal>
#include <filesystem>
#include <random>
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"

namespace verity {
namespace {

using namespace std::chrono_literals;
using test::child_process;

constexpr const char* key = "e2e-key-0123456789abcdef";

class verification_end_process_test : public ::testing::Test {
protected:
  void SetUp() override {
    std::random_device seed;
    data_dir_ = std::filesystem::temp_directory_path()
                / ("verity-e2e-end-" + std::to_string(seed()) + std::to_string(seed()));
  }
  void TearDown() override {
    if (verity_)
      verity_->stop(SIGTERM, 10s);
    std::filesystem::remove_all(data_dir_);
  }

  /// Starts (or restarts) Verity on the test's data directory; false if it did not listen.
  bool start() {
    std::map<std::string, std::string> env{{"VERITY_LISTEN", "127.0.0.1:0"},
                                           {"VERITY_TWILIO", "simulator"},
                                           {"VERITY_DATA_DIR", data_dir_.string()},
                                           {"TWILIO_ACCOUNT_SID", ""},
                                           {"TWILIO_AUTH_TOKEN", ""},
                                           {"VERITY_API_KEYS", key},
                                           {"VERITY_MAX_CHECKS", "2"}};
    verity_ = std::make_unique<child_process>(test::build_directory() + "/verity",
                                              std::vector<std::string>{}, env);
    auto address = verity_->wait_for_line(std::regex{R"(verity listening on (http://\S+))"}, 20s);
    address_ = address.value_or("");
    return address.has_value();
  }

  /// Stops Verity with SIGTERM and waits for it to exit.
  void stop() {
    verity_->stop(SIGTERM, 10s);
    verity_.reset();
  }

  test::http_result post(const std::string& path, const std::string& body) {
    return test::http_call("POST", address_ + path, body,
                           {"Authorization: Bearer " + std::string(key),
                            "Content-Type: application/json"});
  }

  /// The error code of an error answer ("" when there is none).
  static std::string error_code(const test::http_result& result) {
    auto body = nlohmann::json::parse(result.body, nullptr, false);
    return body.is_object() && body.contains("error") ? body["error"].value("code", "") : "";
  }

  /// The `status` of verification `id` as GET reads it.
  std::string status_of(const std::string& id) {
    auto read = test::http_call("GET", address_ + "/v1/verifications/" + id, {},
                                {"Authorization: Bearer " + std::string(key)});
    auto body = nlohmann::json::parse(read.body, nullptr, false);
    return body.is_object() ? body.value("status", "") : read.body;
  }

  /// Starts a verification for `to`; its id.
  std::string create(const std::string& to) {
    auto created = post("/v1/verifications", R"({"to": ")" + to + "\"}");
    EXPECT_EQ(created.status, 201) << created.body << created.error;
    return nlohmann::json::parse(created.body, nullptr, false).value("id", "");
  }

  std::filesystem::path data_dir_;
  std::unique_ptr<child_process> verity_;
  std::string address_;
};

TEST_F(verification_end_process_test, a_locked_verification_answers_429_also_after_a_restart) {
  ASSERT_TRUE(start()) << verity_->output();
  auto id = create("+12015550123");
  auto check = [&](const char* code) {
    return post("/v1/verifications/" + id + "/check", std::string(R"({"code": ")") + code + "\"}");
  };
  // VERITY_MAX_CHECKS=2: a six-digit code is never "12", so these two are wrong.
  EXPECT_EQ(check("12").status, 200);
  auto locking = check("12");
  EXPECT_EQ(locking.status, 429) << locking.body;
  EXPECT_EQ(error_code(locking), "max_attempts_reached");
  auto after = check("123456");
  EXPECT_EQ(after.status, 429) << "a later check must still say why: " << after.body;
  EXPECT_EQ(error_code(after), "max_attempts_reached");
  EXPECT_EQ(status_of(id), "max_attempts_reached");

  stop();
  ASSERT_TRUE(start()) << verity_->output();
  auto restarted = check("123456");
  EXPECT_EQ(restarted.status, 429) << restarted.body;
  EXPECT_EQ(error_code(restarted), "max_attempts_reached");
  EXPECT_EQ(status_of(id), "max_attempts_reached");
}

TEST_F(verification_end_process_test, a_cancel_is_idempotent_durable_and_ends_checks) {
  ASSERT_TRUE(start()) << verity_->output();
  auto id = create("+12015550124");
  auto cancel = [&] { return post("/v1/verifications/" + id + "/cancel", ""); };
  auto canceled = cancel();
  ASSERT_EQ(canceled.status, 200) << canceled.body;
  EXPECT_EQ(nlohmann::json::parse(canceled.body)["status"], "canceled");
  auto twice = cancel();
  EXPECT_EQ(twice.status, 200) << twice.body;
  EXPECT_EQ(nlohmann::json::parse(twice.body, nullptr, false)["status"], "canceled");
  auto checked = post("/v1/verifications/" + id + "/check", R"({"code": "123456"})");
  EXPECT_EQ(checked.status, 404) << checked.body;
  EXPECT_EQ(post("/v1/verifications/" + id + "/resend", R"({"channel": "sms"})").status, 404);
  auto unknown = post("/v1/verifications/VE00000000000000000000000000000000/cancel", "");
  EXPECT_EQ(unknown.status, 404) << unknown.body;

  stop();
  ASSERT_TRUE(start()) << verity_->output();
  EXPECT_EQ(status_of(id), "canceled");
  auto again = cancel();
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(nlohmann::json::parse(again.body, nullptr, false)["status"], "canceled");
  EXPECT_EQ(post("/v1/verifications/" + id + "/check", R"({"code": "123456"})").status, 404);
}

} // namespace
} // namespace verity
