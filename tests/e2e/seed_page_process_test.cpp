// The seed application's own page against the real engine: the requests each version of the
// seed's React page makes, the fields it reads and the branches it takes (the page the seeds
// describe reads `channelUsed` and `ok`; a later one reads `channel` and `success`), replayed
// against the real `verity` in live mode on the stand-alone `verity-twilio-sim`. Every request
// comes from another origin (CORS) through a trusted proxy (X-Forwarded-For), and the platform's
// verified hook answers the referral fields the page needs. Flows: delivered, WhatsApp failed
// then SMS, refused at once, both failed, the page's own timeout, wrong codes, resend, a hook
// that fails then recovers, many users behind one proxy, and a restart in the middle.

#include <atomic>
#include <csignal>
#include <filesystem>
#include <random>
#include <regex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/platform_stub.hpp"

namespace verity {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* account_sid = "AC0123456789abcdef0123456789abcdef";
constexpr const char* auth_token = "seed-page-token-0123456789";
constexpr const char* hook_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* page_origin = "http://page.example.test:5173";
/// The page polls ten times; the seed's interval is 1 s, a quarter of it keeps the suite short
/// (the page's logic does not depend on it) while the engine's deadline (1 s here) still passes.
constexpr int max_polls = 10;
constexpr auto poll_interval = 250ms;

/// Which version of the seed's page is replayed.
enum class page_version {
  seeds,  ///< The page the seeds describe: reads `channelUsed`, `ok`.
  later,  ///< The later page: reads `channel`, `success`.
};

/// Where one run of the page ended.
struct page_outcome {
  std::string step;    ///< "delivered", "failed", "timeout", "offer_sms", "error", "ready".
  std::string message; ///< The error the page shows, if any.
  std::vector<json> polls; ///< Every delivery-status answer it read.
};

/// The stand-alone simulator, the engine on a data directory, and the platform's hook.
class seed_world {
public:
  seed_world() {
    std::random_device seed;
    data_dir_ = std::filesystem::temp_directory_path()
                / ("verity-seed-" + std::to_string(seed()) + std::to_string(seed()));
    simulator_ = std::make_unique<test::child_process>(
      test::build_directory() + "/verity-twilio-sim",
      std::vector<std::string>{"--account-sid", account_sid, "--auth-token", auth_token,
                               "--latency-ms", "20"},
      std::map<std::string, std::string>{});
    auto base =
      simulator_->wait_for_line(std::regex{R"(verity-twilio-sim listening on (http://\S+))"}, 20s);
    if (!base)
      throw std::runtime_error("the simulator did not start: " + simulator_->output());
    sim_base_ = *base;
    start_engine();
  }

  ~seed_world() {
    if (engine_)
      engine_->stop(SIGTERM, 10s);
    simulator_->stop(SIGTERM, 10s);
    std::filesystem::remove_all(data_dir_);
  }

  /// Stops the engine (SIGTERM) and starts it again on the same data directory.
  void restart_engine() {
    auto status = engine_->stop(SIGTERM, 15s);
    ASSERT_TRUE(status) << "the engine did not stop: " << engine_->output();
    start_engine();
  }

  /// The engine's base URL.
  const std::string& address() const { return address_; }

  /// The code the simulated phone `e164` received last (waits until one arrived after `after`).
  std::string code_received(const std::string& e164, const std::string& after = {}) const {
    for (int i = 0; i < 100; ++i) {
      auto shown = test::http_call("GET", sim_base_ + "/sim/phones/" + e164 + "/latest");
      if (shown.status == 200) {
        std::smatch found;
        auto text = json::parse(shown.body)["text"].get<std::string>();
        if (std::regex_search(text, found, std::regex{R"(\b(\d{6})\b)"}) && found[1] != after)
          return found[1];
      }
      std::this_thread::sleep_for(50ms);
    }
    return {};
  }

  test::platform_stub platform;

private:
  void start_engine() {
    engine_ = std::make_unique<test::child_process>(
      test::build_directory() + "/verity", std::vector<std::string>{},
      std::map<std::string, std::string>{
        {"VERITY_LISTEN", "127.0.0.1:0"},
        {"VERITY_DATA_DIR", data_dir_.string()},
        {"VERITY_SYNC", "false"},
        {"VERITY_TWILIO", "live"},
        {"TWILIO_API_BASE", sim_base_},
        {"TWILIO_ACCOUNT_SID", account_sid},
        {"TWILIO_AUTH_TOKEN", auth_token},
        {"TWILIO_PHONE_NUMBER", "+15005550006"},
        {"TWILIO_WHATSAPP_NUMBER", "+15005550007"},
        {"VERITY_ALLOW_INSECURE_CALLBACKS", "true"},
        {"VERITY_DELIVERY_TIMEOUT", "1s"},
        {"VERITY_SEND_LIMIT", "20/10m"},
        {"VERITY_IP_LIMIT", "40/1m"},
        {"VERITY_CORS_ORIGINS", page_origin},
        {"VERITY_TRUSTED_PROXIES", "127.0.0.1/32"},
        {"VERITY_COMPAT_VERIFIED_HOOK", platform.url()},
        {"VERITY_COMPAT_VERIFIED_HOOK_SECRET", hook_secret}});
    auto address = engine_->wait_for_line(std::regex{R"(verity listening on (http://\S+))"}, 30s);
    if (!address)
      throw std::runtime_error("verity did not start: " + engine_->output());
    address_ = *address;
  }

  std::filesystem::path data_dir_;
  std::unique_ptr<test::child_process> simulator_;
  std::unique_ptr<test::child_process> engine_;
  std::string sim_base_;
  std::string address_;
};

/// One user's browser running the seed's page: its requests, the fields it reads, its branches.
class seed_page {
public:
  seed_page(const seed_world& world, page_version version, std::string phone, std::string client)
    : world_(world), version_(version), phone_(std::move(phone)), client_(std::move(client)) {
  }

  /// The "Send Verification Code" button with `method` chosen.
  page_outcome send(const std::string& method) {
    auto answer = post("/api/referrals/send-verification", {{"phone", phone_}, {"method", method}});
    auto data = json::parse(answer.body, nullptr, false);
    if (!data.value("success", false)) {
      bool offers_sms =
        data.value("suggestion", "") == "Try SMS instead"
        && (version_ == page_version::later || data.value("channel", "") == "whatsapp");
      return {offers_sms ? "offer_sms" : "error", data.value("message", "Failed to send"), {}};
    }
    auto channel = version_ == page_version::seeds ? data.value("channelUsed", "SMS")
                                                   : data.value("channel", "SMS");
    EXPECT_EQ(channel, method) << "the channel the page shows";
    return poll(data.value("messageSid", ""));
  }

  /// The "Verify & Continue" button with `code`.
  page_outcome verify(const std::string& code) {
    auto answer = post("/api/referrals/verify-code", {{"phone", phone_}, {"code", code}});
    auto data = json::parse(answer.body, nullptr, false);
    bool refused = answer.status < 200 || answer.status > 299;
    if (version_ == page_version::later)
      refused = refused || !data.value("success", false);
    if (refused)
      return {"error", data.value("error", "Invalid verification code"), {}};
    if (data.value("verified", false) && data.contains("referralCode")
        && data.contains("referralLink"))
      return {"ready", "", {data}};
    return {"error", "Invalid response from server", {data}};
  }

private:
  /// The page's poll loop: at most ten delivery-status reads.
  page_outcome poll(const std::string& sid) {
    page_outcome outcome{"timeout", "", {}};
    const char* flag = version_ == page_version::seeds ? "ok" : "success";
    for (int i = 0; i < max_polls; ++i) {
      std::this_thread::sleep_for(poll_interval);
      auto answer = get("/api/referrals/delivery-status/" + sid);
      auto data = json::parse(answer.body, nullptr, false);
      outcome.polls.push_back(data);
      if (data.value(flag, false) && data.value("isDelivered", false))
        return {"delivered", "", std::move(outcome.polls)};
      if (data.value(flag, false) && data.value("isFailed", false))
        return {"failed", "", std::move(outcome.polls)};
    }
    return outcome;
  }

  test::http_result post(const std::string& path, const json& body) {
    return checked(test::http_call("POST", world_.address() + path, body.dump(),
                                   {"Content-Type: application/json",
                                    "Origin: " + std::string(page_origin),
                                    "X-Forwarded-For: " + client_}));
  }

  test::http_result get(const std::string& path) {
    return checked(test::http_call("GET", world_.address() + path, {},
                                   {"Origin: " + std::string(page_origin),
                                    "X-Forwarded-For: " + client_}));
  }

  /// Every answer is readable from the page's origin (else the browser hides it).
  static test::http_result checked(test::http_result answer) {
    EXPECT_EQ(answer.headers["access-control-allow-origin"], page_origin)
      << answer.status << " " << answer.body;
    return answer;
  }

  const seed_world& world_;
  page_version version_;
  std::string phone_;
  std::string client_;
};

/// Runs each flow with both versions of the page against one shared world.
class seed_page_test : public ::testing::TestWithParam<page_version> {
protected:
  static void SetUpTestSuite() { world_ = new seed_world(); }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
  }

  void SetUp() override {
    world_->platform.answer_with(
      200, R"({"referralCode": "REF-42", "referralLink": "https://platform.example/r/REF-42"})");
  }

  /// A page for a fresh phone whose last four digits pick the simulator's scenario, used by a
  /// client address of its own behind the proxy.
  seed_page page_for(const std::string& scenario) {
    auto serial = next_serial_++;
    auto area = std::to_string(201 + serial / 10);      // 201 to 204: New Jersey, DC, ...
    auto exchange = std::string{"5"} + (GetParam() == page_version::seeds ? "1" : "2")
                    + std::to_string(serial % 10);
    auto phone = "+1" + area + exchange + scenario;
    phones_.push_back(phone);
    return seed_page(*world_, GetParam(), phone, "198.51.100." + std::to_string(serial % 250 + 1));
  }

  const std::string& phone() const { return phones_.back(); }

  static inline seed_world* world_ = nullptr;
  static inline int next_serial_ = 0;
  std::vector<std::string> phones_;
};

TEST_P(seed_page_test, delivered_over_whatsapp_then_verified_with_the_referral_link) {
  auto page = page_for("0142");
  auto sent = page.send("whatsapp");
  ASSERT_EQ(sent.step, "delivered") << sent.message;
  auto code = world_->code_received(phone());
  ASSERT_EQ(code.size(), 6u);
  auto verified = page.verify(code);
  ASSERT_EQ(verified.step, "ready") << verified.message;
  const auto& answer = verified.polls.at(0);
  EXPECT_EQ(answer["referralLink"], "https://platform.example/r/REF-42");
  EXPECT_EQ(answer["whatsappDelivered"], true) << "from Verity's own receipts";
  EXPECT_EQ(answer["smsDelivered"], false);
}

TEST_P(seed_page_test, whatsapp_failed_then_the_page_switches_to_sms) {
  auto page = page_for("0002"); // not a WhatsApp user; SMS delivers
  auto first = page.send("whatsapp");
  ASSERT_EQ(first.step, "failed") << "the page offers SMS after a failed WhatsApp delivery";
  auto second = page.send("sms");
  ASSERT_EQ(second.step, "delivered") << second.message;
  auto verified = page.verify(world_->code_received(phone()));
  ASSERT_EQ(verified.step, "ready") << verified.message;
  EXPECT_EQ(verified.polls.at(0)["smsDelivered"], true);
}

TEST_P(seed_page_test, refused_at_once_offers_sms_and_a_refused_sms_says_so) {
  auto page = page_for("0005"); // Twilio refuses the number at once (21211)
  auto first = page.send("whatsapp");
  EXPECT_EQ(first.step, "offer_sms") << first.message;
  auto second = page.send("sms");
  EXPECT_EQ(second.step, "error");
  EXPECT_FALSE(second.message.empty()) << "the page shows the server's message";
}

TEST_P(seed_page_test, both_channels_undelivered_read_as_failures) {
  auto page = page_for("0004"); // sent, then undelivered 30003, on either channel
  EXPECT_EQ(page.send("whatsapp").step, "failed");
  auto second = page.send("sms");
  EXPECT_EQ(second.step, "failed");
  ASSERT_FALSE(second.polls.empty());
  EXPECT_EQ(second.polls.back()["status"], "undelivered");
  EXPECT_EQ(second.polls.back()["errorCode"], 30003);
}

TEST_P(seed_page_test, a_passed_deadline_lets_the_page_time_out_by_itself) {
  auto page = page_for("0001"); // sent, never delivered
  auto sent = page.send("whatsapp");
  EXPECT_EQ(sent.step, "timeout") << "never 'could not deliver' for a mere timeout";
  ASSERT_EQ(sent.polls.size(), static_cast<std::size_t>(max_polls));
  bool saw_timed_out = false;
  for (const auto& poll : sent.polls) {
    EXPECT_EQ(poll["isFailed"], false) << poll.dump();
    EXPECT_EQ(poll["isPending"], true) << poll.dump();
    saw_timed_out = saw_timed_out || poll["status"] == "timed_out";
  }
  EXPECT_TRUE(saw_timed_out) << "the engine's own deadline (1 s) passed during the page's wait";
}

TEST_P(seed_page_test, wrong_codes_are_refused_then_the_right_one_verifies) {
  auto page = page_for("0143");
  ASSERT_EQ(page.send("sms").step, "delivered");
  auto code = world_->code_received(phone());
  auto wrong = page.verify(code == "000000" ? "111111" : "000000");
  EXPECT_EQ(wrong.step, "error");
  EXPECT_EQ(wrong.message, "Invalid verification code.");
  EXPECT_EQ(page.verify(code).step, "ready");
}

TEST_P(seed_page_test, too_many_wrong_codes_lock_even_the_right_one) {
  auto page = page_for("0144");
  ASSERT_EQ(page.send("sms").step, "delivered");
  auto code = world_->code_received(phone());
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(page.verify(code == "000000" ? "111111" : "000000").step, "error");
  auto locked = page.verify(code);
  EXPECT_EQ(locked.step, "error");
  EXPECT_EQ(locked.message, "Too many attempts. Please request a new code.");
}

TEST_P(seed_page_test, resend_replaces_the_code) {
  auto page = page_for("0145");
  ASSERT_EQ(page.send("sms").step, "delivered");
  auto first = world_->code_received(phone());
  ASSERT_EQ(page.send("sms").step, "delivered"); // the page's "Resend"
  auto second = world_->code_received(phone(), first);
  ASSERT_EQ(second.size(), 6u) << "a new code arrived";
  EXPECT_EQ(page.verify(first).step, "error") << "only the latest code counts, as in the seed";
  EXPECT_EQ(page.verify(second).step, "ready");
}

TEST_P(seed_page_test, a_failing_platform_hook_answers_an_error_and_the_same_code_retries) {
  auto page = page_for("0146");
  ASSERT_EQ(page.send("sms").step, "delivered");
  auto code = world_->code_received(phone());
  world_->platform.answer_with(500, R"({"error": "database unavailable"})");
  auto refused = page.verify(code);
  EXPECT_EQ(refused.step, "error");
  world_->platform.answer_with(
    200, R"({"referralCode": "REF-43", "referralLink": "https://platform.example/r/REF-43"})");
  auto verified = page.verify(code);
  ASSERT_EQ(verified.step, "ready") << verified.message;
  EXPECT_EQ(verified.polls.at(0)["referralCode"], "REF-43");
}

TEST_P(seed_page_test, users_behind_one_proxy_each_get_their_own_limit) {
  // 40 requests a minute per client here: 20 users sending and polling through one proxy
  // address make 60 requests or more, which one shared limit would refuse.
  std::vector<std::thread> users;
  std::atomic<int> delivered{0};
  for (int user = 0; user < 20; ++user) {
    auto page = page_for("01" + std::to_string(50 + user));
    users.emplace_back([page, &delivered]() mutable {
      if (page.send("sms").step == "delivered")
        ++delivered;
    });
  }
  for (auto& user : users)
    user.join();
  EXPECT_EQ(delivered.load(), 20);
}

INSTANTIATE_TEST_SUITE_P(both_versions, seed_page_test,
                         ::testing::Values(page_version::seeds, page_version::later),
                         [](const auto& param_info) {
                           return std::string{param_info.param == page_version::seeds
                                                ? "seeds_page"
                                                : "later_page"};
                         });

TEST(seed_page_restart_test, a_code_sent_before_a_restart_verifies_after_it) {
  seed_world world;
  world.platform.answer_with(
    200, R"({"referralCode": "REF-44", "referralLink": "https://platform.example/r/REF-44"})");
  const std::string phone = "+12013330147";
  seed_page page(world, page_version::seeds, phone, "198.51.100.200");
  ASSERT_EQ(page.send("whatsapp").step, "delivered");
  auto code = world.code_received(phone);
  world.restart_engine();
  auto verified = page.verify(code);
  ASSERT_EQ(verified.step, "ready") << verified.message;
  EXPECT_EQ(verified.polls.at(0)["whatsappDelivered"], true);
}

} // namespace
} // namespace verity
