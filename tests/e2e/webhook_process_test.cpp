// Signed webhooks against the real `verity` binary, with Twilio played by a stand-alone
// `verity-twilio-sim` holding known credentials: an inbound STOP opts a number out, so the next
// send is refused with 403 `opted_out`; START opts it back in. Unsigned callbacks get 400,
// wrongly signed ones 403, and the previous auth token is still accepted during a rotation.

#include <csignal>
#include <filesystem>
#include <random>
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "engine/form.hpp"
#include "engine/twilio_signature.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"

namespace verity {
namespace {

using namespace std::chrono_literals;

constexpr const char* api_key = "webhook-key-0123456789abcdef";
constexpr const char* account_sid = "AC0123456789abcdef0123456789abcdef";
constexpr const char* current_token = "current-token-0123456789";
constexpr const char* previous_token = "previous-token-0123456789";

class webhook_process_test : public ::testing::Test {
protected:
  void SetUp() override {
    std::random_device seed;
    data_dir_ = std::filesystem::temp_directory_path()
                / ("verity-webhooks-" + std::to_string(seed()) + std::to_string(seed()));
    simulator_ = std::make_unique<test::child_process>(
      test::build_directory() + "/verity-twilio-sim",
      std::vector<std::string>{"--account-sid", account_sid, "--auth-token", current_token},
      std::map<std::string, std::string>{});
    auto api_base =
      simulator_->wait_for_line(std::regex{R"(verity-twilio-sim listening on (http://\S+))"}, 20s);
    ASSERT_TRUE(api_base) << simulator_->output();
    verity_ = std::make_unique<test::child_process>(
      test::build_directory() + "/verity", std::vector<std::string>{},
      std::map<std::string, std::string>{{"VERITY_LISTEN", "127.0.0.1:0"},
                                         {"VERITY_DATA_DIR", data_dir_.string()},
                                         {"VERITY_API_KEYS", api_key},
                                         {"TWILIO_API_BASE", *api_base},
                                         {"TWILIO_ACCOUNT_SID", account_sid},
                                         {"TWILIO_AUTH_TOKEN", current_token},
                                         {"TWILIO_AUTH_TOKEN_PREVIOUS", previous_token},
                                         {"TWILIO_PHONE_NUMBER", "+15005550006"},
                                         {"TWILIO_WHATSAPP_NUMBER", "+14155238886"},
                                         {"VERITY_ALLOW_INSECURE_CALLBACKS", "true"}});
    auto address = verity_->wait_for_line(std::regex{R"(verity listening on (http://\S+))"}, 30s);
    ASSERT_TRUE(address) << verity_->output();
    address_ = *address;
  }

  void TearDown() override {
    if (verity_)
      verity_->stop(SIGTERM, 10s);
    if (simulator_)
      simulator_->stop(SIGTERM, 10s);
    std::filesystem::remove_all(data_dir_);
  }

  /// An inbound message from `from` saying `body`, signed with `token` over Verity's own URL.
  test::http_result inbound(const std::string& from, const std::string& body,
                            const std::string& token) const {
    const std::string url = address_ + "/v1/webhooks/twilio/inbound";
    form_params params{{"AccountSid", account_sid},
                       {"MessageSid", "SM" + std::string(32, 'a')},
                       {"From", from},
                       {"To", "+15005550006"},
                       {"Body", body}};
    return test::http_call("POST", url, encode_form(params),
                           {"Content-Type: application/x-www-form-urlencoded",
                            "X-Twilio-Signature: " + compute_twilio_signature(token, url, params)});
  }

  /// Starts a verification of `to`.
  test::http_result send(const std::string& to) const {
    return test::http_call("POST", address_ + "/v1/verifications",
                           nlohmann::json{{"to", to}}.dump(),
                           {std::string("Authorization: Bearer ") + api_key,
                            "Content-Type: application/json"});
  }

  std::filesystem::path data_dir_;
  std::unique_ptr<test::child_process> simulator_;
  std::unique_ptr<test::child_process> verity_;
  std::string address_;
};

TEST_F(webhook_process_test, stop_then_send_is_403_opted_out_and_start_lifts_it) {
  const std::string phone = "+12015550142";
  auto unsigned_stop = test::http_call("POST", address_ + "/v1/webhooks/twilio/inbound",
                                       "From=%2B12015550142&Body=STOP",
                                       {"Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(unsigned_stop.status, 400) << unsigned_stop.body;
  auto forged = inbound(phone, "STOP", "not-the-token");
  EXPECT_EQ(forged.status, 403) << forged.body;
  EXPECT_EQ(send(phone).status, 201) << "neither opted the number out";

  auto stop = inbound(phone, "STOP", previous_token);
  EXPECT_EQ(stop.status, 200) << "the previous token is still accepted: " << stop.body;
  EXPECT_EQ(stop.body, "<Response/>");
  auto refused = send(phone);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(nlohmann::json::parse(refused.body, nullptr, false)["error"]["code"], "opted_out");
  EXPECT_EQ(send("+12015550143").status, 201) << "other numbers are not affected";

  ASSERT_EQ(inbound(phone, "start", current_token).status, 200);
  auto again = send(phone);
  EXPECT_EQ(again.status, 201) << again.body;
}

} // namespace
} // namespace verity
