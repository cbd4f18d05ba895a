// Secrets stay secret through a whole run: start the real `verity` at debug level against a
// fake Twilio that keeps every request (so the test learns the codes Verity sent), drive
// verifications, signed and forged callbacks, wrong and right checks and a wrong API key
// through it, then search everything it wrote to its log and its data directory for a code, a
// full phone number, the API key, the Twilio auth token or the code secret. The same run with
// JSON log lines (VERITY_LOG_FORMAT=json) also checks that every line of standard error is one
// JSON object with its fields.

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "engine/form.hpp"
#include "engine/twilio_signature.hpp"
#include "net/api/router.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/io_thread.hpp"
#include "tests/support/request_recorder.hpp"

namespace verity {
namespace {

using namespace std::chrono_literals;

constexpr const char* account_sid = "AC0123456789abcdef0123456789abcdef";
constexpr const char* auth_token = "twilio-token-7f3e9a1c5b";
constexpr const char* api_key = "api-key-4d8b2e6f0a9c1357";
constexpr const char* wrong_api_key = "api-key-guessed-00000000";
constexpr const char* code_secret = "code-secret-a1b2c3d4e5f6a7b8";
constexpr const char* messages_path = "/2010-04-01/Accounts/{sid}/Messages.json";

/// The phones the run verifies; none may appear unmasked anywhere.
const std::vector<std::string> phones{"+12015550123", "+13125550187", "+447400123456"};

/// A fake Twilio: records each create request and answers 201 with a fresh message SID.
class fake_twilio {
public:
  fake_twilio() {
    routes_.add("POST", messages_path, [this](const net::http_request& request,
                                              net::responder respond) {
      recorder_.record(request);
      char sid[35];
      std::snprintf(sid, sizeof sid, "SM%032x", ++created_);
      respond(net::http_response{201, "application/json",
                                 nlohmann::json{{"sid", sid}, {"status", "queued"}}.dump(), {}});
    });
  }

  std::string base_url() const { return server_.url(""); }

  /// Waits for `count` create requests; returns their form fields.
  std::vector<form_params> wait_for(std::size_t count) {
    std::vector<form_params> forms;
    for (const auto& request : recorder_.wait_for(count, 20s))
      forms.push_back(parse_form(request.body).value_or(form_params{}));
    return forms;
  }

private:
  net::router routes_;
  test::request_recorder recorder_;
  std::atomic<unsigned> created_{0};
  test::test_server server_{routes_};
};

/// The digits of `body` that form the code ("Your Verity code is 1234567890...").
std::string code_in(std::string_view body) {
  std::string code;
  for (char c : body) {
    if (c >= '0' && c <= '9')
      code += c;
    else if (!code.empty() && code.size() >= 10)
      break;
    else
      code.clear();
  }
  return code;
}

/// Every byte of every file under `dir`.
std::string all_bytes_under(const std::filesystem::path& dir) {
  std::string bytes;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file())
      continue;
    std::ifstream in{entry.path(), std::ios::binary};
    bytes.append(std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{});
  }
  return bytes;
}

class secrets_in_logs_test : public ::testing::Test {
protected:
  void SetUp() override {
    std::random_device seed;
    data_dir_ = std::filesystem::temp_directory_path()
                / ("verity-secrets-" + std::to_string(seed()) + std::to_string(seed()));
  }
  void TearDown() override { std::filesystem::remove_all(data_dir_); }

  std::map<std::string, std::string> environment(const std::string& log_format) const {
    return {{"VERITY_LISTEN", "127.0.0.1:0"},
            {"VERITY_LOG_FORMAT", log_format},
            {"VERITY_DATA_DIR", data_dir_.string()},
            {"VERITY_API_KEYS", api_key},
            {"VERITY_CODE_SECRET", code_secret},
            {"VERITY_CODE_LENGTH", "10"},
            {"VERITY_LOG_LEVEL", "debug"},
            {"VERITY_ALLOW_INSECURE_CALLBACKS", "true"},
            {"TWILIO_ACCOUNT_SID", account_sid},
            {"TWILIO_AUTH_TOKEN", auth_token},
            {"TWILIO_PHONE_NUMBER", "+15005550006"},
            {"TWILIO_WHATSAPP_NUMBER", "+14155238886"},
            {"TWILIO_API_BASE", twilio_.base_url()}};
  }

  test::http_result v1(const std::string& method, const std::string& path,
                       const std::string& body = {}, const char* key = api_key) {
    return test::http_call(method, address_ + path, body,
                           {std::string{"Authorization: Bearer "} + key,
                            "Content-Type: application/json"});
  }

  /// Posts a status callback for the message Twilio was asked to create with `form`,
  /// signed with `token`.
  test::http_result callback(const form_params& form, const std::string& status,
                             const std::string& token) {
    auto url = std::string{find_param(form, "StatusCallback").value_or("")};
    form_params params{{"MessageSid", "SM0"}, {"MessageStatus", status},
                       {"To", std::string{find_param(form, "To").value_or("")}},
                       {"AccountSid", account_sid}};
    auto signature = compute_twilio_signature(token, url, params);
    return test::http_call("POST", url, encode_form(params),
                           {"Content-Type: application/x-www-form-urlencoded",
                            "X-Twilio-Signature: " + signature});
  }

  /// Runs verifications, callbacks and checks through a `verity` logging in `log_format`,
  /// then searches its log (kept in `log_`) and data directory for every secret.
  void run_and_search(const std::string& log_format);

  fake_twilio twilio_;
  std::filesystem::path data_dir_;
  std::string address_;
  std::string log_; ///< Everything the run wrote to standard error.
};

void secrets_in_logs_test::run_and_search(const std::string& log_format) {
  test::child_process verity{test::build_directory() + "/verity", {}, environment(log_format)};
  auto address = verity.wait_for_line(std::regex{R"(verity listening on (http://[^\s"]+))"}, 20s);
  ASSERT_TRUE(address) << verity.output();
  address_ = *address;

  std::vector<std::string> ids;
  for (const auto& phone : phones) {
    auto created = v1("POST", "/v1/verifications",
                      nlohmann::json{{"to", phone}, {"channel", "sms"}}.dump());
    ASSERT_EQ(created.status, 201) << created.body;
    ids.push_back(nlohmann::json::parse(created.body).at("id").get<std::string>());
  }
  auto compat = test::http_call("POST", address_ + "/api/referrals/send-verification",
                                R"({"phone": "+1 415 555 0142", "method": "sms"})",
                                {"Content-Type: application/json"});
  EXPECT_EQ(compat.status, 200) << compat.body;
  EXPECT_EQ(v1("GET", "/v1/stats", {}, wrong_api_key).status, 401);

  auto forms = twilio_.wait_for(phones.size() + 1);
  ASSERT_EQ(forms.size(), phones.size() + 1);
  std::vector<std::string> codes;
  for (const auto& form : forms) {
    codes.push_back(code_in(find_param(form, "Body").value_or("")));
    ASSERT_EQ(codes.back().size(), 10u) << find_param(form, "Body").value_or("");
    EXPECT_EQ(callback(form, "delivered", auth_token).status, 200);
    EXPECT_EQ(callback(form, "read", "forged-token").status, 403);
  }
  auto wrong = v1("POST", "/v1/verifications/" + ids[0] + "/check", R"({"code": "0000000000"})");
  EXPECT_EQ(wrong.status, 200) << wrong.body;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto right = v1("POST", "/v1/verifications/" + ids[i] + "/check",
                    nlohmann::json{{"code", codes[i]}}.dump());
    EXPECT_NE(right.body.find(R"("valid":true)"), std::string::npos) << right.body;
  }
  ASSERT_TRUE(verity.stop(SIGTERM, 10s));

  log_ = verity.output();
  const auto& log = log_;
  auto disk = all_bytes_under(data_dir_);
  EXPECT_NE(log.find("+1******0123"), std::string::npos) << "the run logs masked phones:\n" << log;
  for (const auto& code : codes) {
    EXPECT_EQ(log.find(code), std::string::npos) << "code in the log";
    EXPECT_EQ(disk.find(code), std::string::npos) << "code on disk";
  }
  auto all_phones = phones;
  all_phones.push_back("+14155550142");
  for (const auto& phone : all_phones)
    EXPECT_EQ(log.find(phone.substr(1)), std::string::npos) << phone << " in the log";
  for (const char* secret : {api_key, wrong_api_key, auth_token, code_secret}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret << " in the log";
    EXPECT_EQ(disk.find(secret), std::string::npos) << secret << " on disk";
  }
}

TEST_F(secrets_in_logs_test, no_code_phone_or_key_reaches_the_log_or_the_disk) {
  run_and_search("text");
}

TEST_F(secrets_in_logs_test, json_log_lines_hold_no_secret_and_each_is_one_json_object) {
  run_and_search("json");
  ASSERT_FALSE(log_.empty());
  ASSERT_EQ(log_.back(), '\n');
  std::istringstream lines{log_};
  std::size_t count = 0;
  const std::regex rfc3339{R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)"};
  for (std::string line; std::getline(lines, line); ++count) {
    auto parsed = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(parsed.is_object()) << "not a JSON object: " << line;
    ASSERT_TRUE(parsed.contains("ts") && parsed["ts"].is_string()) << line;
    EXPECT_TRUE(std::regex_match(parsed["ts"].get<std::string>(), rfc3339)) << line;
    EXPECT_TRUE(parsed.contains("level") && parsed["level"].is_string()) << line;
    EXPECT_TRUE(parsed.contains("msg") && parsed["msg"].is_string()) << line;
    EXPECT_EQ(parsed["logger"], "verity") << line;
    EXPECT_TRUE(parsed["thread"].is_number()) << line;
  }
  EXPECT_GT(count, 10u) << "a whole run, debug lines included";
}

} // namespace
} // namespace verity
