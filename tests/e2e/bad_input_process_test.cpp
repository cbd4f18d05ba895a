// The bad-input battery against the real `verity` binary (built-in simulator): after one
// verification is delivered and read, hostile and broken requests each get the documented
// status and error code, the process keeps answering, and nothing stored changes: the
// verification's resource, the statistics and the engine's counters read the same after the
// battery as before it.

#include <csignal>
#include <filesystem>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/raw_connection.hpp"

namespace verity {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using test::http_result;

constexpr const char* api_key = "battery-key-0123456789abcdef";
constexpr const char* phone = "+12015550123";

/// What the battery must leave untouched.
struct snapshot {
  std::string verification; ///< GET /v1/verifications/{id}
  std::string stats;        ///< GET /v1/stats
  std::string phone_stats;  ///< GET /v1/phones/{phone}/stats
  std::string counters;     ///< /metrics lines of the engine's counters (not the HTTP ones)
  std::string metrics;      ///< The whole /metrics page

};

/// The sample counting wrongly signed callbacks: the battery adds to it by design.
constexpr const char* bad_signatures = R"(verity_callbacks_total{result="bad_signature"})";

/// Whether a /metrics line is one of the engine's counters the battery must not move: the
/// verification, message, callback, Twilio and storage commit series, except the count of
/// wrongly signed callbacks.
bool is_engine_counter(const std::string& line) {
  if (line.rfind(bad_signatures, 0) == 0)
    return false;
  for (const char* series : {"verity_verifications", "verity_messages", "verity_callbacks",
                             "verity_status_transitions", "verity_fallbacks",
                             "verity_twilio_requests", "verity_storage_commits"})
    if (line.rfind(series, 0) == 0)
      return true;
  return false;
}

/// The engine's counters out of a Prometheus text page.
std::string engine_counters(const std::string& page) {
  std::istringstream lines{page};
  std::string line, kept;
  while (std::getline(lines, line))
    if (is_engine_counter(line))
      kept += line + "\n";
  return kept;
}

class bad_input_process_test : public ::testing::Test {
protected:
  void SetUp() override {
    std::random_device seed;
    data_dir_ = std::filesystem::temp_directory_path()
                / ("verity-battery-" + std::to_string(seed()) + std::to_string(seed()));
    verity_ = std::make_unique<test::child_process>(
      test::build_directory() + "/verity", std::vector<std::string>{},
      std::map<std::string, std::string>{{"VERITY_LISTEN", "127.0.0.1:0"},
                                         {"VERITY_DATA_DIR", data_dir_.string()},
                                         {"VERITY_API_KEYS", api_key},
                                         {"VERITY_TWILIO", "simulator"},
                                         {"TWILIO_ACCOUNT_SID", ""},
                                         {"TWILIO_AUTH_TOKEN", ""}});
    auto address = verity_->wait_for_line(std::regex{R"(verity listening on (http://\S+))"}, 30s);
    ASSERT_TRUE(address) << verity_->output();
    address_ = *address;
    port_ = static_cast<std::uint16_t>(std::stoi(address_.substr(address_.rfind(':') + 1)));
  }

  void TearDown() override {
    if (verity_)
      verity_->stop(SIGTERM, 10s);
    verity_.reset();
    std::filesystem::remove_all(data_dir_);
  }

  http_result call(const std::string& method, const std::string& path,
                   const std::string& body = {}, std::vector<std::string> headers = {}) const {
    return test::http_call(method, address_ + path, body, headers);
  }

  /// A request with the API key (and JSON content type when there is a body).
  http_result v1(const std::string& method, const std::string& path,
                 const std::string& body = {}) const {
    std::vector<std::string> headers{"Authorization: Bearer "s + api_key};
    if (!body.empty())
      headers.emplace_back("Content-Type: application/json");
    return call(method, path, body, headers);
  }

  /// Creates a verification and long-polls it until the simulator reported it read.
  std::string delivered_verification() {
    auto created = v1("POST", "/v1/verifications", R"({"to": ")"s + phone + "\"}");
    EXPECT_EQ(created.status, 201) << created.body << created.error;
    auto view = nlohmann::json::parse(created.body, nullptr, false);
    auto id = view.value("id", "");
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (view["delivery"]["state"] != "read" && std::chrono::steady_clock::now() < deadline) {
      auto state = view["delivery"]["state"].get<std::string>();
      auto polled = v1("GET", "/v1/verifications/" + id + "?wait=10&seen=" + state);
      view = nlohmann::json::parse(polled.body, nullptr, false);
    }
    EXPECT_EQ(view["delivery"]["state"], "read") << view.dump();
    return id;
  }

  snapshot take_snapshot(const std::string& id) const {
    auto metrics = call("GET", "/metrics").body;
    return {v1("GET", "/v1/verifications/" + id).body, v1("GET", "/v1/stats").body,
            v1("GET", "/v1/phones/%2B12015550123/stats").body, engine_counters(metrics), metrics};
  }

  /// Waits until the stored record shows the read receipt (storage may trail the actor).
  snapshot settled_snapshot(const std::string& id) const {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    auto taken = take_snapshot(id);
    while (taken.phone_stats.find(R"("status_breakdown":{"read":1})") == std::string::npos
           && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(50ms);
      taken = take_snapshot(id);
    }
    return taken;
  }

  /// Expects `result` to carry `status` and, when `code` is given, that API error code.
  static void expect(const http_result& result, long status, const std::string& code,
                     const std::string& what) {
    EXPECT_EQ(result.status, status) << what << ": " << result.body << result.error;
    if (code.empty())
      return;
    auto body = nlohmann::json::parse(result.body, nullptr, false);
    EXPECT_EQ(body.is_object() ? body["error"]["code"] : nlohmann::json{}, code) << what;
  }

  /// The raw answers to `bytes` sent on one connection.
  std::vector<test::raw_response> raw(const std::string& bytes) const {
    return test::raw_exchange(port_, bytes);
  }

  void expect_alive(const std::string& after) const {
    EXPECT_EQ(call("GET", "/healthz").status, 200) << "after " << after;
  }

  std::filesystem::path data_dir_;
  std::unique_ptr<test::child_process> verity_;
  std::string address_;
  std::uint16_t port_ = 0;
};

TEST_F(bad_input_process_test, battery_leaves_the_process_up_and_the_state_untouched) {
  auto id = delivered_verification();
  ASSERT_FALSE(id.empty());
  auto before = settled_snapshot(id);
  ASSERT_NE(before.stats.find(R"("total":1)"), std::string::npos) << before.stats;

  // Broken and hostile JSON on every v1 write route.
  for (const auto& path : {"/v1/verifications"s, "/v1/verifications/" + id + "/check",
                           "/v1/verifications/" + id + "/resend"})
    for (const std::string& body :
         {"{\"to\": "s, "{\"code\": \"12"s, "[]"s, "null"s, "{\"to\": \"\xff\"}"s,
          "{\"code\": \"\xed\xa0\x80\"}"s, "{\"channel\": \"\xc0\xafsms\"}"s,
          std::string(50'000, '['), "{\"to\"\0: 1}"s, "{\"code\": 123456}"s,
          "{\"channel\": [\"sms\"]}"s})
      expect(v1("POST", path, body), 400, "invalid_request", path + " " + body.substr(0, 20));
  expect(call("POST", "/v1/verifications/" + id + "/check", R"({"code": "123456"})",
              {"Authorization: Bearer "s + api_key, "Content-Type: text/plain"}),
         415, "unsupported_media_type", "check as text");
  expect(v1("POST", "/v1/verifications", std::string(70'000, 'x')), 413, "payload_too_large",
         "huge body");
  expect_alive("broken JSON");

  // Numbers that are not numbers.
  for (const char* to : {"12345", "+000", "+1111111111111111111111111111111111111111", "phone",
                         "+1 201 555 CALL ME NOW", "+1 12345"})
    expect(v1("POST", "/v1/verifications", nlohmann::json{{"to", to}}.dump()), 400,
           "invalid_phone", to);

  // Unknown ids, well formed and malformed.
  expect(v1("GET", "/v1/verifications/VE0123456789abcdef0123456789abcdef"), 404, "not_found",
         "unknown id");
  expect(v1("POST", "/v1/verifications/VE0123456789abcdef0123456789abcdef/check",
            R"({"code": "123456"})"),
         404, "not_found", "check of an unknown id");
  expect(v1("GET", "/v1/messages/SM0123456789abcdef0123456789abcdef"), 404, "not_found",
         "unknown SID");
  expect(v1("GET", "/v1/verifications/VE%00%FF"), 400, "invalid_request", "malformed id");
  expect(call("GET", "/api/referrals/delivery-status/SM%FF%0d%0a"), 404, "", "compat unknown");

  // Webhooks: unsigned, wrongly signed, bad UTF-8 in the form.
  const std::vector<std::string> form{"Content-Type: application/x-www-form-urlencoded"};
  auto signed_form = form;
  signed_form.emplace_back("X-Twilio-Signature: AAAA");
  for (const char* path : {"/v1/webhooks/twilio/status", "/v1/webhooks/twilio/inbound",
                           "/api/referrals/sms-status-callback"}) {
    expect(call("POST", path, "From=%2B12015550123&Body=STOP", form), 400, "invalid_request", path);
    expect(call("POST", path, "From=%2B12015550123&Body=STOP", signed_form), 403,
           "invalid_signature", path);
    expect(call("POST", path, "MessageStatus=%FF%FE&To=%C0%AF", signed_form), 403,
           "invalid_signature", path);
  }

  // The compatibility API: broken input in the seed's shapes.
  for (const std::string& body : {"{"s, "{\"phone\": \"\xff\"}"s, "{\"phone\": 12015550123}"s,
                                  "{\"phone\": \"+12015550123\", \"method\": \"fax\"}"s})
    EXPECT_EQ(call("POST", "/api/referrals/send-verification", body,
                   {"Content-Type: application/json"})
                .status,
              400)
      << body;
  EXPECT_EQ(call("POST", "/api/referrals/verify-code", R"({"phone": "+12015550123"})",
                 {"Content-Type: application/json"})
              .status,
            400);

  // Very long headers and URLs.
  expect(call("GET", "/healthz", {}, {"X-Long: " + std::string(9000, 'h')}), 431,
         "invalid_request", "long header");
  expect(v1("GET", "/v1/verifications/" + id + "?seen=" + std::string(9000, 'u')), 431,
         "invalid_request", "long URL");
  expect_alive("long headers");

  // Raw bytes: pipelined garbage, smuggling, header injection.
  const std::string create = "POST /v1/verifications HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "s
                             + api_key
                             + "\r\nContent-Type: application/json\r\nContent-Length: 23\r\n\r\n"
                               "{\"to\": \"+12015550188\"}";
  const std::string health = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  auto valid_then_garbage = raw(health + "\x01\x02 garbage\r\n\r\n" + create);
  ASSERT_EQ(valid_then_garbage.size(), 2u);
  EXPECT_EQ(valid_then_garbage[0].status, 200);
  EXPECT_EQ(valid_then_garbage[1].status, 400);
  for (const std::string& attack :
       {"GARBAGE\r\n\r\n" + create, "\x16\x03\x01\x00\xa5\x01\x00\x00"s + create,
        "POST /v1/verifications HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: "
        "chunked\r\n\r\n0\r\n\r\n"
          + create,
        "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 90\r\n\r\n"
          + create,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\rAuthorization: Bearer x\r\n\r\n" + create}) {
    auto answers = raw(attack);
    ASSERT_EQ(answers.size(), 1u) << attack;
    EXPECT_EQ(answers[0].status, 400) << attack;
  }
  auto injected = v1("GET", "/v1/verifications/VE%0d%0aSet-Cookie:%20a=b");
  EXPECT_EQ(injected.status, 400);
  EXPECT_EQ(injected.headers.count("set-cookie"), 0u);
  expect_alive("raw garbage");

  auto after = take_snapshot(id);
  EXPECT_EQ(after.verification, before.verification);
  EXPECT_EQ(after.stats, before.stats);
  EXPECT_EQ(after.phone_stats, before.phone_stats);
  EXPECT_EQ(after.counters, before.counters);
  EXPECT_NE(after.counters.find("verity_verifications_started_total 1\n"), std::string::npos)
    << after.counters;
  EXPECT_NE(after.metrics.find(bad_signatures + " 6\n"s), std::string::npos)
    << "each wrongly signed callback is counted";
}

} // namespace
} // namespace verity
