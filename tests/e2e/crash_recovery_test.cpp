// Nothing acknowledged is ever lost: start the real `verity` (built-in simulator, fsync on),
// create verifications from several clients at once, remember what was acknowledged and the
// delivery state each read showed, SIGKILL the process at a random moment, restart it on the
// same data directory, and check every acknowledged verification is there with a delivery
// state no earlier than the one seen before the kill.

#include <atomic>
#include <csignal>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include <sys/wait.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "engine/delivery_status.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"

namespace verity {
namespace {

using namespace std::chrono_literals;

constexpr const char* api_key = "crash-test-key-0123456789";

/// A verification the engine acknowledged, with the latest delivery state a client saw.
struct acknowledged {
  std::string id;
  std::string seen_state;
};

/// Rank of an API delivery state in the lattice ("sending" is the engine's `created`).
int rank_of(const std::string& state) {
  if (state == "sending")
    return 0;
  auto parsed = parse_delivery_status(state);
  return parsed ? static_cast<int>(*parsed) : -1;
}

class crash_recovery_test : public ::testing::Test {
protected:
  void SetUp() override {
    std::random_device seed;
    data_dir_ = std::filesystem::temp_directory_path()
                / ("verity-crash-" + std::to_string(seed()) + std::to_string(seed()));
  }
  void TearDown() override { std::filesystem::remove_all(data_dir_); }

  std::unique_ptr<test::child_process> start_engine(std::string& address) {
    auto engine = std::make_unique<test::child_process>(
      test::build_directory() + "/verity", std::vector<std::string>{},
      std::map<std::string, std::string>{{"VERITY_LISTEN", "127.0.0.1:0"},
                                         {"VERITY_DATA_DIR", data_dir_.string()},
                                         {"VERITY_API_KEYS", api_key},
                                         {"VERITY_SEND_LIMIT", "1000/1m"},
                                         {"TWILIO_ACCOUNT_SID", ""},
                                         {"TWILIO_AUTH_TOKEN", ""}});
    auto found = engine->wait_for_line(std::regex{R"(verity listening on (http://\S+))"}, 30s);
    EXPECT_TRUE(found) << engine->output();
    address = found.value_or("");
    return engine;
  }

  std::filesystem::path data_dir_;
};

TEST_F(crash_recovery_test, acknowledged_verifications_survive_sigkill) {
  std::string address;
  auto engine = start_engine(address);
  ASSERT_FALSE(address.empty());
  std::mutex mutex;
  std::vector<acknowledged> acked;
  std::atomic<bool> stop{false};
  auto client = [&](int number) {
    for (int i = 0; !stop && i < 400; ++i) {
      auto phone = "+1201555" + std::to_string(1000 + number * 400 + i).substr(0, 4);
      auto created = test::http_call("POST", address + "/v1/verifications",
                                     R"({"to":")" + phone + R"("})",
                                     {"Authorization: Bearer " + std::string{api_key},
                                      "Content-Type: application/json"});
      if (created.status != 201)
        continue; // the kill may cut a request: unacknowledged, so nothing is promised
      auto body = nlohmann::json::parse(created.body);
      acknowledged entry{body["id"], body["delivery"]["state"]};
      auto read = test::http_call("GET", address + "/v1/verifications/" + entry.id,
                                  {}, {"Authorization: Bearer " + std::string{api_key}});
      if (read.status == 200)
        entry.seen_state = nlohmann::json::parse(read.body)["delivery"]["state"];
      std::lock_guard lock{mutex};
      acked.push_back(entry);
    }
  };
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i)
    clients.emplace_back(client, i);
  std::mt19937 random{std::random_device{}()};
  std::this_thread::sleep_for(std::chrono::milliseconds{500 + random() % 1500});
  engine->stop(SIGKILL, 10s);
  stop = true;
  for (auto& thread : clients)
    thread.join();
  ASSERT_GT(acked.size(), 0u) << "no verification was acknowledged before the kill";

  auto restarted = start_engine(address);
  ASSERT_FALSE(address.empty());
  EXPECT_TRUE(restarted->wait_for_line(std::regex{R"(recovered (\d+) in-flight)"}, 1s)
              || restarted->output().find("recovered") != std::string::npos);
  for (const auto& entry : acked) {
    auto read = test::http_call("GET", address + "/v1/verifications/" + entry.id, {},
                                {"Authorization: Bearer " + std::string{api_key}});
    ASSERT_EQ(read.status, 200) << entry.id << " was acknowledged but is gone: " << read.body;
    auto body = nlohmann::json::parse(read.body);
    EXPECT_EQ(body["id"], entry.id);
    EXPECT_GE(rank_of(body["delivery"]["state"]), rank_of(entry.seen_state))
      << entry.id << " went back from " << entry.seen_state << " to " << body["delivery"]["state"];
  }
  auto status = restarted->stop(SIGTERM, 15s);
  ASSERT_TRUE(status);
  EXPECT_EQ(WEXITSTATUS(*status), 0) << restarted->output();
}

} // namespace
} // namespace verity
