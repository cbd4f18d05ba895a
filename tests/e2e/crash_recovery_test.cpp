// Nothing acknowledged is ever lost: start the real `verity` (built-in simulator, fsync on),
// create verifications from several clients at once and long-poll each for the status
// callbacks the simulator sends, remember what was acknowledged and the latest delivery state
// a read showed, SIGKILL the process at a random moment, restart it on the same data directory
// and check every acknowledged verification is there with a delivery state no earlier than the
// one seen; several kills in a row, each restart also answering a request retried with the
// same Idempotency-Key with the first answer. Also: delivery deadlines pending at the kill
// still fire after the restart.

#include <atomic>
#include <csignal>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include <sys/wait.h>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "engine/delivery_status.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"

namespace verity {
namespace {

using namespace std::chrono_literals;
using environment = std::map<std::string, std::string>;

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

std::vector<std::string> auth_headers() {
  return {"Authorization: Bearer " + std::string{api_key}, "Content-Type: application/json"};
}

/// POST /v1/verifications to `phone`, with `idempotency_key` unless empty.
test::http_result create(const std::string& address, const std::string& phone,
                         const std::string& idempotency_key = {}) {
  auto headers = auth_headers();
  if (!idempotency_key.empty())
    headers.push_back("Idempotency-Key: " + idempotency_key);
  return test::http_call("POST", address + "/v1/verifications", R"({"to":")" + phone + R"("})",
                         headers);
}

/// GET /v1/verifications/{id}, long-polling up to `wait` for a state other than `seen`.
test::http_result read(const std::string& address, const std::string& id,
                       const std::string& seen, std::chrono::seconds wait) {
  return test::http_call("GET", fmt::format("{}/v1/verifications/{}?wait={}&seen={}", address,
                                            id, wait.count(), seen),
                         {}, auth_headers());
}

/// The delivery state of a verification resource.
std::string state_of(const test::http_result& answer) {
  return nlohmann::json::parse(answer.body)["delivery"]["state"];
}

/// Acknowledged verifications from every client thread.
class ledger {
public:
  void add(std::vector<acknowledged> entries) {
    std::lock_guard lock{mutex_};
    entries_.insert(entries_.end(), entries.begin(), entries.end());
  }
  std::vector<acknowledged> take() {
    std::lock_guard lock{mutex_};
    return entries_;
  }

private:
  std::mutex mutex_;
  std::vector<acknowledged> entries_;
};

class crash_recovery_test : public ::testing::Test {
protected:
  void SetUp() override {
    std::random_device seed;
    data_dir_ = std::filesystem::temp_directory_path()
                / ("verity-crash-" + std::to_string(seed()) + std::to_string(seed()));
  }
  void TearDown() override { std::filesystem::remove_all(data_dir_); }

  /// Starts `verity` on the test's data directory; sets `address` and `recovered` (the
  /// in-flight verifications its recovery found).
  std::unique_ptr<test::child_process> start_engine(std::string& address, std::size_t& recovered,
                                                    environment extra = {}) {
    environment env{{"VERITY_LISTEN", "127.0.0.1:0"},
                    {"VERITY_DATA_DIR", data_dir_.string()},
                    {"VERITY_API_KEYS", api_key},
                    {"VERITY_SYNC", "true"},
                    {"VERITY_SEND_LIMIT", "1000/1m"},
                    {"VERITY_PREFIX_LIMIT", "100000/1m"},
                    {"TWILIO_ACCOUNT_SID", ""},
                    {"TWILIO_AUTH_TOKEN", ""}};
    extra.merge(env);
    auto engine = std::make_unique<test::child_process>(test::build_directory() + "/verity",
                                                        std::vector<std::string>{}, extra);
    auto count = engine->wait_for_line(std::regex{R"(recovered (\d+) in-flight)"}, 30s);
    auto found = engine->wait_for_line(std::regex{R"(verity listening on (http://\S+))"}, 30s);
    EXPECT_TRUE(count && found) << engine->output();
    recovered = count ? std::stoul(*count) : 0;
    address = found.value_or("");
    return engine;
  }

  std::filesystem::path data_dir_;
};

/// Long-polls `entry` for up to three status callbacks (sent, delivered, read), raising its
/// seen state with each answer.
void follow(const std::string& address, acknowledged& entry, const std::atomic<bool>& stop) {
  for (int poll = 0; poll < 3 && !stop && entry.seen_state != "read"; ++poll) {
    auto polled = read(address, entry.id, entry.seen_state, 1s);
    if (polled.status != 200)
      return;
    entry.seen_state = state_of(polled);
  }
}

/// One client: creates verifications to its own phones in bursts of ten until `stop`; with
/// `follow_bursts`, follows each of a burst through its status callbacks (which the simulator
/// sends meanwhile) before the next. `prefix` makes the phones unique per round and client.
void run_client(const std::string& address, const std::string& prefix, bool follow_bursts,
                const std::atomic<bool>& stop, ledger& acked) {
  for (int i = 0; !stop && i < 1000;) {
    std::vector<acknowledged> burst;
    for (int end = i + 10; !stop && i < end; ++i) {
      auto created = create(address, prefix + fmt::format("{:04}", 1000 + i));
      if (created.status != 201)
        continue; // the kill may cut a request: unacknowledged, so nothing is promised
      burst.push_back({nlohmann::json::parse(created.body)["id"], state_of(created)});
    }
    if (follow_bursts)
      for (auto& entry : burst)
        follow(address, entry, stop);
    acked.add(std::move(burst));
  }
}

/// Checks every entry of `acked` against the engine at `address`, raising each seen state to
/// what it reads now.
void expect_kept(const std::string& address, std::vector<acknowledged>& acked) {
  for (auto& entry : acked) {
    auto answer = read(address, entry.id, entry.seen_state, 0s);
    ASSERT_EQ(answer.status, 200) << entry.id << " was acknowledged but is gone: " << answer.body;
    auto state = state_of(answer);
    EXPECT_GE(rank_of(state), rank_of(entry.seen_state))
      << entry.id << " went back from " << entry.seen_state << " to " << state;
    entry.seen_state = state;
  }
}

TEST_F(crash_recovery_test, acknowledged_work_survives_repeated_sigkill) {
  constexpr int kills = 5;
  constexpr int clients = 4;
  constexpr const char* idempotent_phone = "+12015990123";
  std::mt19937 random{std::random_device{}()};
  std::vector<acknowledged> all;
  test::http_result first_answer;
  for (int round = 0; round <= kills; ++round) {
    std::string address;
    std::size_t recovered = 0;
    auto engine = start_engine(address, recovered);
    ASSERT_FALSE(address.empty());
    EXPECT_GE(recovered, all.size()) << "every verification stays pending, so in flight";
    expect_kept(address, all);
    auto answer = create(address, idempotent_phone, "crash-retry-1");
    ASSERT_EQ(answer.status, 201) << answer.body << answer.error;
    if (round == 0)
      first_answer = answer;
    EXPECT_EQ(answer.body, first_answer.body) << "a retry after restart " << round
                                              << " must get the first answer";
    if (round == kills) {
      auto status = engine->stop(SIGTERM, 15s);
      ASSERT_TRUE(status);
      EXPECT_EQ(WEXITSTATUS(*status), 0) << engine->output();
      break;
    }
    ledger acked;
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int client = 0; client < clients; ++client)
      threads.emplace_back(run_client, address, fmt::format("+12015{}{}", round, client),
                           client % 2 == 0, std::cref(stop), std::ref(acked));
    std::this_thread::sleep_for(std::chrono::milliseconds{100 + random() % 1100}); // the kill moment
    engine->stop(SIGKILL, 10s);
    stop = true;
    for (auto& thread : threads)
      thread.join();
    auto fresh = acked.take();
    EXPECT_GT(fresh.size(), 0u) << "nothing acknowledged before kill " << round;
    all.insert(all.end(), fresh.begin(), fresh.end());
  }
  auto advanced = std::count_if(all.begin(), all.end(), [](const acknowledged& entry) {
    return rank_of(entry.seen_state) >= rank_of("sent"); // only a callback reports these

  });
  EXPECT_GT(advanced, 0) << "no status callback was acknowledged: the test checked creates only";
}

TEST_F(crash_recovery_test, pending_deadlines_fire_after_restart) {
  environment deadline{{"VERITY_DELIVERY_TIMEOUT", "2s"}};
  std::string address;
  std::size_t recovered = 0;
  auto engine = start_engine(address, recovered, deadline);
  ASSERT_FALSE(address.empty());
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) { // To ending in 0001: the simulator never delivers
    auto created = create(address, fmt::format("+120156{}0001", i));
    ASSERT_EQ(created.status, 201) << created.body << created.error;
    ids.push_back(nlohmann::json::parse(created.body)["id"]);
  }
  auto started = std::chrono::steady_clock::now();
  engine->stop(SIGKILL, 10s);
  ASSERT_LT(std::chrono::steady_clock::now() - started, 2s) << "killed after the deadline";

  auto restarted = start_engine(address, recovered, deadline);
  ASSERT_FALSE(address.empty());
  EXPECT_EQ(recovered, ids.size());
  auto limit = std::chrono::steady_clock::now() + 20s;
  for (const auto& id : ids) {
    std::string state = "sending";
    while (state != "timed_out" && std::chrono::steady_clock::now() < limit) {
      auto answer = read(address, id, state, 5s);
      ASSERT_EQ(answer.status, 200) << answer.body << answer.error;
      state = state_of(answer);
    }
    EXPECT_EQ(state, "timed_out") << id << " never reached its deadline after the restart";
  }
}

} // namespace
} // namespace verity
