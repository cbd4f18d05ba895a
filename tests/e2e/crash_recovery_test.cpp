// Nothing acknowledged is lost, and nothing is sent twice, however often the engine dies:
// start the real `verity` (fsync on) against a recording Twilio that outlives it (it answers
// creates after a random delay and posts signed status callbacks), drive creates and long
// polls from several clients, SIGKILL the engine at a random moment, restart it on the same
// data directory, twenty times. After each restart every acknowledged verification is there
// with a delivery state no earlier than a client saw, every acknowledged callback is in the
// stored history, and an Idempotency-Key retry gets the first answer byte for byte. At the end:
// Twilio got at most one create per message, and a verification has a second attempt only as
// the documented recovery resend (its predecessor never confirmed, a fresh code, the old code
// refused). Also: delivery deadlines pending at the kill still fire after the restart.

#include <atomic>
#include <csignal>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/support/child_process.hpp"
#include "tests/support/recording_twilio.hpp"
#include "tests/support/verity_api.hpp"

namespace verity {
namespace {

using namespace std::chrono_literals;
using environment = std::map<std::string, std::string>;
using test::json_of;
using test::rank_of;

constexpr const char* api_key = "crash-test-key-0123456789";
constexpr const char* account_sid = "AC00000000000000000000000000000c4a";
constexpr const char* auth_token = "crash-test-twilio-token";

/// A verification the engine acknowledged, with the latest delivery state a client saw.
struct acknowledged {
  std::string id;
  std::string seen_state;
};

/// The delivery state of a verification resource.
std::string state_of(const test::http_result& answer) {
  return json_of(answer)["delivery"]["state"];
}

/// A TCP port on 127.0.0.1 that was free a moment ago (the engine keeps it across restarts, so
/// callbacks the recording Twilio retries reach the next incarnation).
std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  auto* generic = reinterpret_cast<sockaddr*>(&address);
  if (fd < 0 || ::bind(fd, generic, size) != 0 || ::getsockname(fd, generic, &size) != 0)
    throw std::runtime_error("no free port");
  ::close(fd);
  return ntohs(address.sin_port);
}

/// Acknowledged verifications from every client thread.
class ledger {
public:
  void add(std::vector<acknowledged> entries) {
    {
      std::lock_guard lock{mutex_};
      entries_.insert(entries_.end(), entries.begin(), entries.end());
    }
    added_.notify_all();
  }
  /// Waits at most `limit` for a first entry; true when one is there.
  bool wait_for_any(std::chrono::milliseconds limit) {
    std::unique_lock lock{mutex_};
    return added_.wait_for(lock, limit, [this] { return !entries_.empty(); });
  }
  std::vector<acknowledged> take() {
    std::lock_guard lock{mutex_};
    return std::exchange(entries_, {});
  }

private:
  std::mutex mutex_;
  std::condition_variable added_;
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

  /// Starts `verity` on the test's data directory (the built-in simulator unless `extra` names
  /// a Twilio); sets `address` and `recovered` (the in-flight verifications recovery found).
  std::unique_ptr<test::child_process> start_engine(std::string& address, std::size_t& recovered,
                                                    environment extra = {}) {
    environment env{{"VERITY_LISTEN", "127.0.0.1:0"},
                    {"VERITY_DATA_DIR", data_dir_.string()},
                    {"VERITY_API_KEYS", api_key},
                    {"VERITY_SYNC", "true"},
                    {"VERITY_SEND_LIMIT", "1000/1m"},
                    {"VERITY_PREFIX_LIMIT", "100000/1m"},
                    {"VERITY_TWILIO", "simulator"},
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

/// The crash loop: the engine on a fixed port, its Twilio the recording fake.
class crash_loop_test : public crash_recovery_test {
protected:
  environment twilio_environment() const {
    auto url = fmt::format("http://127.0.0.1:{}", port_);
    return {{"VERITY_LISTEN", fmt::format("127.0.0.1:{}", port_)},
            {"VERITY_PUBLIC_URL", url},
            {"VERITY_ALLOW_INSECURE_CALLBACKS", "true"},
            {"VERITY_TWILIO", "live"},
            {"TWILIO_ACCOUNT_SID", account_sid},
            {"TWILIO_AUTH_TOKEN", auth_token},
            {"TWILIO_PHONE_NUMBER", "+15005550006"},
            {"TWILIO_WHATSAPP_NUMBER", "+15017122661"}, // not the sandbox: paced to 1 per 3 s,
            {"TWILIO_API_BASE", twilio_.base_url()}};
  }

  test::recording_twilio twilio_{account_sid, auth_token, 150ms};
  std::uint16_t port_ = free_port();
};

/// Long-polls `entry` for up to three status callbacks (sent, delivered, read), raising its
/// seen state with each answer.
void follow(const test::verity_api& api, acknowledged& entry, const std::atomic<bool>& stop) {
  for (int poll = 0; poll < 3 && !stop && entry.seen_state != "read"; ++poll) {
    auto polled = api.read(entry.id, entry.seen_state, 1s);
    if (polled.status != 200)
      return;
    entry.seen_state = state_of(polled);
  }
}

/// One client: creates verifications to its own phones in bursts of ten, one per 80 ms at most
/// (four clients stay under the 80 messages a second Verity paces a Twilio sender to, so the
/// load is steady rather than an ever longer queue), until `stop`; with `follow_bursts`,
/// follows each of a burst through its status callbacks before the next. `exchange` makes the
/// phones unique per round and client.
void run_client(const test::verity_api& api, int exchange, bool follow_bursts,
                const std::atomic<bool>& stop, ledger& acked) {
  auto next = std::chrono::steady_clock::now();
  for (int i = 0; !stop && i < 10'000;) {
    std::vector<acknowledged> burst;
    for (int end = i + 10; !stop && i < end; ++i) {
      std::this_thread::sleep_until(next);
      next = std::chrono::steady_clock::now() + 80ms;
      auto created = api.create(fmt::format("+1201{}{:04}", exchange, i));
      if (created.status != 201)
        continue; // the kill may cut a request: unacknowledged, so nothing is promised
      burst.push_back({json_of(created)["id"], state_of(created)});
    }
    if (follow_bursts)
      for (auto& entry : burst)
        follow(api, entry, stop);
    acked.add(std::move(burst));
  }
}

/// Runs `check` on every element of `items` from four threads.
template <class T, class Check>
void check_in_parallel(std::vector<T>& items, Check check) {
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (auto i = next++; i < items.size(); i = next++)
        check(items[i]);
    });
  for (auto& thread : threads)
    thread.join();
}

/// Checks every entry of `acked` is there, its delivery state no earlier than seen; raises
/// each seen state to what it reads now.
void expect_kept(const test::verity_api& api, std::vector<acknowledged>& acked) {
  check_in_parallel(acked, [&](acknowledged& entry) {
    auto answer = api.read(entry.id, entry.seen_state, 0s);
    ASSERT_EQ(answer.status, 200) << entry.id << " was acknowledged but is gone: " << answer.body;
    auto state = state_of(answer);
    EXPECT_GE(rank_of(state), rank_of(entry.seen_state))
      << entry.id << " went back from " << entry.seen_state << " to " << state;
    entry.seen_state = state;
  });
}

/// Checks every callback in `acked` is in its message's stored history.
void expect_callbacks_kept(const test::verity_api& api,
                           std::vector<test::acknowledged_callback> acked) {
  check_in_parallel(acked, [&](const test::acknowledged_callback& callback) {
    auto answer = api.message(callback.message_id);
    ASSERT_EQ(answer.status, 200) << callback.message_id << ": " << answer.body;
    EXPECT_FALSE(json_of(answer)["timestamps"][callback.status].is_null())
      << "the acknowledged " << callback.status << " callback of " << callback.message_id
      << " was lost";
  });
}

/// What the recording Twilio saw of each message, and which callbacks were acknowledged.
struct twilio_record {
  std::map<std::string, std::vector<test::recorded_create>> creates;
  std::map<std::string, int> first_ack_epoch; ///< Earliest epoch a callback was acknowledged.
};

twilio_record record_of(const test::recording_twilio& twilio) {
  twilio_record record;
  for (auto& create : twilio.creates())
    record.creates[create.message_id].push_back(create);
  for (const auto& callback : twilio.acknowledged()) {
    auto [at, fresh] = record.first_ack_epoch.emplace(callback.message_id, callback.epoch);
    if (!fresh)
      at->second = std::min(at->second, callback.epoch);
  }
  return record;
}

/// Checks that the attempts of verification `view` after its first are recovery resends, and
/// returns how many there are. A resend needs a restart since its predecessor's create, a
/// predecessor Twilio never confirmed (no callback acknowledged before), and a fresh code.
int expect_only_documented_resends(const nlohmann::json& view, const twilio_record& twilio) {
  const auto& attempts = view["attempts"];
  for (std::size_t i = 1; i < attempts.size(); ++i) {
    std::string before = attempts[i - 1]["message_id"];
    std::string after = attempts[i]["message_id"];
    auto sent = twilio.creates.find(after);
    if (sent == twilio.creates.end())
      continue; // killed again before it left: the next attempt is checked instead
    auto epoch = sent->second.front().epoch;
    auto confirmed = twilio.first_ack_epoch.find(before);
    EXPECT_TRUE(confirmed == twilio.first_ack_epoch.end() || confirmed->second >= epoch)
      << after << " re-sent although Twilio's callback for " << before << " was acknowledged";
    auto previous = twilio.creates.find(before);
    if (previous == twilio.creates.end())
      continue;
    EXPECT_LT(previous->second.front().epoch, epoch) << after << ": a resend without a restart";
    EXPECT_NE(previous->second.front().code, sent->second.front().code)
      << after << " re-sent the old code";
  }
  return static_cast<int>(attempts.size()) - 1;
}

/// Checks with the code of the resend before the latest attempt of `view` (refused) and with
/// the latest (approved); false when Twilio did not get both.
bool expect_old_code_refused(const test::verity_api& api, const nlohmann::json& view,
                             const twilio_record& twilio) {
  const auto& attempts = view["attempts"];
  auto old_create = twilio.creates.find(attempts[attempts.size() - 2]["message_id"]);
  auto new_create = twilio.creates.find(attempts.back()["message_id"]);
  if (old_create == twilio.creates.end() || new_create == twilio.creates.end())
    return false;
  std::string id = view["id"];
  auto old_check = api.check(id, old_create->second.front().code);
  EXPECT_EQ(old_check.status, 200) << old_check.body;
  EXPECT_FALSE(json_of(old_check)["valid"].get<bool>()) << id << ": the old code still passes";
  auto new_check = api.check(id, new_create->second.front().code);
  EXPECT_EQ(new_check.status, 200) << new_check.body;
  EXPECT_TRUE(json_of(new_check)["valid"].get<bool>()) << id << ": the fresh code fails";
  return true;
}

TEST_F(crash_loop_test, nothing_acknowledged_is_lost_and_nothing_sent_twice_over_20_kills) {
  constexpr int kills = 20;
  constexpr int clients = 4;
  std::mt19937 random{std::random_device{}()};
  std::vector<acknowledged> all;
  test::http_result first_answer;
  std::size_t callbacks_checked = 0;
  for (int round = 0; round <= kills; ++round) {
    twilio_.set_epoch(round);
    std::string address;
    std::size_t recovered = 0;
    auto engine = start_engine(address, recovered, twilio_environment());
    ASSERT_FALSE(address.empty());
    test::verity_api api{address, api_key};
    EXPECT_GE(recovered, all.size()) << "every verification stays pending, so in flight";
    auto callbacks = twilio_.acknowledged(); // all of them: the last kill cannot have lost any
    callbacks_checked = callbacks.size();
    if (round == kills) {
      expect_kept(api, all);
      expect_callbacks_kept(api, callbacks);
    } else {
      auto recent = all; // the last round's, and a sample of the older ones
      std::shuffle(recent.begin(), recent.end(), random);
      std::vector<acknowledged> sample(recent.begin(),
                                       recent.begin() + std::min<std::size_t>(recent.size(), 60));
      expect_kept(api, sample);
      std::erase_if(callbacks, [&](const auto& cb) { return cb.epoch + 1 < round; });
      expect_callbacks_kept(api, callbacks);
    }
    auto answer = api.create("+12015990123", "crash-retry-1");
    ASSERT_EQ(answer.status, 201) << answer.body << answer.error;
    if (round == 0)
      first_answer = answer;
    EXPECT_EQ(answer.body, first_answer.body) << "a retry after restart " << round
                                              << " must get the first answer";
    if (HasFatalFailure())
      return;
    if (round == kills) {
      auto twilio = record_of(twilio_);
      for (const auto& [message, creates] : twilio.creates)
        EXPECT_EQ(creates.size(), 1u) << "Twilio was asked " << creates.size()
                                      << " times to create message " << message;
      int resends = 0;
      bool old_code_checked = false;
      for (const auto& entry : all) {
        auto view = json_of(api.read(entry.id, entry.seen_state, 0s));
        auto extra = expect_only_documented_resends(view, twilio);
        EXPECT_LE(extra, kills);
        resends += extra;
        if (extra > 0 && !old_code_checked)
          old_code_checked = expect_old_code_refused(api, view, twilio);
      }
      EXPECT_GT(resends, 0) << "no kill found a create in flight: the resend path is untested";
      EXPECT_TRUE(old_code_checked || resends == 0);
      auto status = engine->stop(SIGTERM, 15s);
      ASSERT_TRUE(status);
      EXPECT_EQ(WEXITSTATUS(*status), 0) << engine->output();
      break;
    }
    ledger acked;
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int client = 0; client < clients; ++client)
      threads.emplace_back(run_client, std::cref(api), 200 + round * 10 + client,
                           client % 2 == 0, std::cref(stop), std::ref(acked));
    // The kill comes at a random moment after the first acknowledgement, so a slow disk or a
    // sanitizer build cannot leave a round with nothing acknowledged to check.
    EXPECT_TRUE(acked.wait_for_any(10s)) << "nothing acknowledged before kill " << round;
    std::this_thread::sleep_for(std::chrono::milliseconds{random() % 600});
    engine->stop(SIGKILL, 10s);
    stop = true;
    for (auto& thread : threads)
      thread.join();
    auto fresh = acked.take();
    all.insert(all.end(), fresh.begin(), fresh.end());
  }
  auto advanced = std::count_if(all.begin(), all.end(), [](const acknowledged& entry) {
    return rank_of(entry.seen_state) >= rank_of("sent"); // only a callback reports these
  });
  EXPECT_GT(advanced, 0) << "no status callback was acknowledged: the test checked creates only";
  EXPECT_GT(callbacks_checked, 0u);
}

TEST_F(crash_recovery_test, pending_deadlines_fire_after_restart) {
  environment deadline{{"VERITY_DELIVERY_TIMEOUT", "5s"}};
  std::string address;
  std::size_t recovered = 0;
  auto engine = start_engine(address, recovered, deadline);
  ASSERT_FALSE(address.empty());
  std::vector<std::string> ids;
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) { // To ending in 0001: the simulator never delivers
    auto created = test::verity_api{address, api_key}.create(fmt::format("+120156{}0001", i));
    ASSERT_EQ(created.status, 201) << created.body << created.error;
    ids.push_back(json_of(created)["id"]);
  }
  engine->stop(SIGKILL, 10s);
  ASSERT_LT(std::chrono::steady_clock::now() - started, 5s) << "killed after the first deadline";

  auto restarted = start_engine(address, recovered, deadline);
  ASSERT_FALSE(address.empty());
  test::verity_api api{address, api_key};
  EXPECT_EQ(recovered, ids.size());
  auto limit = std::chrono::steady_clock::now() + 20s;
  for (const auto& id : ids) {
    std::string state = "sending";
    while (state != "timed_out" && std::chrono::steady_clock::now() < limit) {
      auto answer = api.read(id, state, 5s);
      ASSERT_EQ(answer.status, 200) << answer.body << answer.error;
      state = state_of(answer);
    }
    EXPECT_EQ(state, "timed_out") << id << " never reached its deadline after the restart";
  }
}

} // namespace
} // namespace verity
