// Zero-downtime key rotation (SECURITY.md): start the real `verity` from a config file, rotate
// its API keys in the file and send SIGHUP, and check that the new key works and the retired
// one is refused without a restart; a reload of an invalid file changes nothing.

#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <gtest/gtest.h>

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

  std::filesystem::path dir_;
};

TEST_F(secret_reload_test, sighup_rotates_api_keys_without_a_restart) {
  const std::string old_key = "rotation-old-key-0123456789";
  const std::string new_key = "rotation-new-key-9876543210";
  write_config(old_key);
  test::child_process verity{test::build_directory() + "/verity",
                             {"--config", (dir_ / "verity.toml").string()},
                             {{"VERITY_LISTEN", "127.0.0.1:0"},
                              {"VERITY_DATA_DIR", (dir_ / "data").string()},
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

} // namespace
} // namespace verity
