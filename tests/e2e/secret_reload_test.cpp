// Zero-downtime key rotation (SECURITY.md): start the real `verity` from a config file, rotate
// its API keys in the file and send SIGHUP, and check that the new key works and the retired
// one is refused without a restart; a reload of an invalid file changes nothing. The Twilio auth
// token rotates the same way, read from TWILIO_AUTH_TOKEN_FILE: after SIGHUP callbacks signed
// with the new token are accepted, and with the old one only while it is
// TWILIO_AUTH_TOKEN_PREVIOUS.

#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "engine/form.hpp"
#include "engine/twilio_signature.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"

namespace verity {
namespace {

using namespace std::chrono_literals;

class secret_reload_test : public ::testing::Test {
protected:
  void SetUp() override {
    std::random_device seed;
    dir_ = std::filesystem::temp_directory_path()
           / ("verity-reload-" + std::to_string(seed()) + std::to_string(seed()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void write_config(const std::string& api_keys) {
    std::ofstream file{dir_ / "verity.toml", std::ios::trunc};
    file << "api.keys = \"" << api_keys << "\"\n";
  }

  long stats_status(const std::string& address, const std::string& key) {
    return test::http_call("GET", address + "/v1/stats", {}, {"Authorization: Bearer " + key})
      .status;
  }

  /// Polls until `key` gets `status`, at most five seconds (a reload is asynchronous).
  bool eventually(const std::string& address, const std::string& key, long status) {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (stats_status(address, key) == status)
        return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  /// Writes `text` to file `name` of the test directory and returns its path.
  std::string write_file(const std::string& name, const std::string& text) {
    auto path = dir_ / name;
    std::ofstream{path, std::ios::trunc} << text;
    return path.string();
  }

  std::filesystem::path dir_;
};

constexpr const char* account_sid = "AC0123456789abcdef0123456789abcdef";

/// The status of an inbound message to Verity at `address`, signed with `token`.
long inbound_status(const std::string& address, const std::string& token) {
  const std::string url = address + "/v1/webhooks/twilio/inbound";
  form_params params{{"AccountSid", account_sid},
                     {"MessageSid", "SM" + std::string(32, 'b')},
                     {"From", "+12015550177"},
                     {"To", "+15005550006"},
                     {"Body", "hello"}};
  return test::http_call("POST", url, encode_form(params),
                         {"Content-Type: application/x-www-form-urlencoded",
                          "X-Twilio-Signature: " + compute_twilio_signature(token, url, params)})
    .status;
}

/// Polls until a callback signed with `token` gets `status`, at most five seconds.
bool eventually_inbound(const std::string& address, const std::string& token, long status) {
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (inbound_status(address, token) == status)
      return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

TEST_F(secret_reload_test, sighup_rotates_api_keys_without_a_restart) {
  const std::string old_key = "rotation-old-key-0123456789";
  const std::string new_key = "rotation-new-key-9876543210";
  write_config(old_key);
  test::child_process verity{test::build_directory() + "/verity",
                             {"--config", (dir_ / "verity.toml").string()},
                             {{"VERITY_LISTEN", "127.0.0.1:0"},
                              {"VERITY_DATA_DIR", (dir_ / "data").string()},
                              {"VERITY_TWILIO", "simulator"},
                              {"TWILIO_ACCOUNT_SID", ""},
                              {"TWILIO_AUTH_TOKEN", ""}}};
  auto address = verity.wait_for_line(std::regex{R"(verity listening on (http://\S+))"}, 20s);
  ASSERT_TRUE(address) << verity.output();
  ASSERT_EQ(stats_status(*address, old_key), 200);
  ASSERT_EQ(stats_status(*address, new_key), 401);

  write_config(old_key + "," + new_key);
  ASSERT_EQ(::kill(verity.pid(), SIGHUP), 0);
  EXPECT_TRUE(eventually(*address, new_key, 200)) << verity.output();
  EXPECT_EQ(stats_status(*address, old_key), 200) << "both keys work while clients move";

  write_config(new_key);
  ASSERT_EQ(::kill(verity.pid(), SIGHUP), 0);
  EXPECT_TRUE(eventually(*address, old_key, 401)) << verity.output();
  EXPECT_EQ(stats_status(*address, new_key), 200);

  write_config("a,,b");
  ASSERT_EQ(::kill(verity.pid(), SIGHUP), 0);
  EXPECT_TRUE(verity.wait_for_line(std::regex{"reload refused, secrets unchanged"}, 5s))
    << verity.output();
  EXPECT_EQ(stats_status(*address, new_key), 200);
  EXPECT_EQ(verity.output().find(new_key), std::string::npos) << "keys are never logged";
  EXPECT_TRUE(verity.stop(SIGTERM, 10s));
}

TEST_F(secret_reload_test, sighup_rotates_the_twilio_token_read_from_its_file) {
  const std::string old_token = "old-token-0123456789abcdef";
  const std::string new_token = "new-token-0123456789abcdef";
  auto token_file = write_file("token", old_token + "\n");
  write_config("");
  test::child_process verity{test::build_directory() + "/verity",
                             {"--config", (dir_ / "verity.toml").string()},
                             {{"VERITY_LISTEN", "127.0.0.1:0"},
                              {"VERITY_DATA_DIR", (dir_ / "data").string()},
                              {"VERITY_TWILIO", "live"},
                              {"TWILIO_ACCOUNT_SID", account_sid},
                              {"TWILIO_AUTH_TOKEN", ""},
                              {"TWILIO_AUTH_TOKEN_FILE", token_file},
                              {"TWILIO_PHONE_NUMBER", "+15005550006"},
                              {"TWILIO_API_BASE", "http://127.0.0.1:9"},
                              {"VERITY_ALLOW_INSECURE_CALLBACKS", "true"}}};
  auto address = verity.wait_for_line(std::regex{R"(verity listening on (http://\S+))"}, 20s);
  ASSERT_TRUE(address) << verity.output();
  ASSERT_EQ(inbound_status(*address, old_token), 200);
  ASSERT_EQ(inbound_status(*address, new_token), 403);

  write_file("token", new_token + "\n");
  ASSERT_EQ(::kill(verity.pid(), SIGHUP), 0);
  EXPECT_TRUE(eventually_inbound(*address, new_token, 200)) << verity.output();
  EXPECT_EQ(inbound_status(*address, old_token), 403)
    << "the old token is refused unless it is configured as the previous one";

  std::ofstream{dir_ / "verity.toml", std::ios::trunc}
    << "twilio.auth_token_previous_file = \"" << write_file("previous", old_token) << "\"\n";
  ASSERT_EQ(::kill(verity.pid(), SIGHUP), 0);
  EXPECT_TRUE(eventually_inbound(*address, old_token, 200)) << verity.output();
  EXPECT_EQ(inbound_status(*address, new_token), 200);
  EXPECT_EQ(verity.output().find("token-0123456789abcdef"), std::string::npos) << "never logged";
  EXPECT_TRUE(verity.stop(SIGTERM, 10s));
}

} // namespace
} // namespace verity
