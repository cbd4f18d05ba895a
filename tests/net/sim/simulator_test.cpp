#include "net/sim/simulator.hpp"

#include <future>
#include <regex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "engine/twilio_signature.hpp"
#include "net/api/router.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/io_thread.hpp"
#include "tests/support/refusing_port.hpp"
#include "tests/support/request_recorder.hpp"

namespace verity::net {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

constexpr const char* account_sid = "AC0123456789abcdef0123456789abcdef";
constexpr const char* auth_token = "sim-token";
constexpr const char* good_auth =
  "Authorization: Basic QUMwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjpzaW0tdG9rZW4=";
constexpr const char* template_sid = "HX0123456789abcdef0123456789abcdef";

/// A simulator with fast callbacks, and a receiver for its status callbacks.
class twilio_simulator_test : public ::testing::Test {
protected:
  twilio_simulator_test() {
    routes_.add("POST", "/v1/webhooks/twilio/status", [this](const http_request& r, responder respond) {
      recorder_.record(r);
      respond({200, "text/plain", "", {}});
    });
    simulator_.start();
  }

  static twilio_simulator_settings sim_settings(std::shared_ptr<sim_inbox> inbox) {
    twilio_simulator_settings s;
    s.inbox = std::move(inbox);
    s.account_sid = account_sid;
    s.auth_token = auth_token;
    s.latency = {5ms, 0ms};
    s.mix.slow_delay = 1s;
    s.mix.burst = 30s; // longer than any test: the burst never ends by itself here
    s.seed = 7;
    return s;
  }

  /// Posts a create request; `auth` is the whole Authorization header line ("" for none).
  test::http_result create(const form_params& params, const std::string& auth = good_auth,
                           const std::string& sid = account_sid) {
    std::vector<std::string> headers{"Content-Type: application/x-www-form-urlencoded"};
    if (!auth.empty())
      headers.push_back(auth);
    return test::http_call("POST",
                           simulator_.base_url() + "/2010-04-01/Accounts/" + sid + "/Messages.json",
                           encode_form(params), headers);
  }

  std::string callback_url() const {
    return receiver_.url("/v1/webhooks/twilio/status?message_id=MS0123");
  }

  form_params sms(const std::string& to) const {
    return {{"To", to}, {"From", "+12015550100"}, {"Body", "Your code is 1234"},
            {"StatusCallback", callback_url()}};
  }

  form_params whatsapp(const std::string& to) const {
    return {{"To", "whatsapp:" + to}, {"From", "whatsapp:+14155238886"},
            {"Body", "Your code is 1234"}, {"StatusCallback", callback_url()}};
  }

  /// The form of each callback received once `count` arrived (or 10 s passed).
  std::vector<form_params> callbacks(std::size_t count) {
    std::vector<form_params> forms;
    for (const auto& request : recorder_.wait_for(count, 10s))
      forms.push_back(parse_form(request.body).value_or(form_params{}));
    return forms;
  }

  /// The MessageStatus of each callback once `count` arrived, with ErrorCode when present.
  std::vector<std::string> statuses(std::size_t count) {
    std::vector<std::string> seen;
    for (const auto& form : callbacks(count)) {
      auto status = std::string{find_param(form, "MessageStatus").value_or("?")};
      if (auto code = find_param(form, "ErrorCode"))
        status += " " + std::string{*code};
      seen.push_back(status);
    }
    return seen;
  }

  /// The text of the latest message the simulated phone of `e164` received.
  std::optional<std::string> last_body(const std::string& e164) const {
    auto latest = simulator_.inbox()->latest(e164, sim_inbox::clock::now());
    return latest ? std::optional{latest->text} : std::nullopt;
  }

  /// Twilio error body fields of an answer.
  static std::pair<long, std::uint32_t> error_of(const test::http_result& result) {
    auto body = json::parse(result.body, nullptr, false);
    EXPECT_TRUE(body.is_object()) << result.body;
    EXPECT_EQ(body.value("status", 0L), result.status) << result.body;
    EXPECT_FALSE(body.value("message", "").empty()) << result.body;
    return {result.status, body.value("code", 0U)};
  }

  router routes_;
  test::request_recorder recorder_;
  test::test_server receiver_{routes_};
  std::shared_ptr<sim_inbox> inbox_ = std::make_shared<sim_inbox>(100, std::chrono::minutes{1});
  twilio_simulator simulator_{sim_settings(inbox_)};
};

TEST_F(twilio_simulator_test, wrong_or_missing_credentials_get_20003) {
  auto wrong = create(sms("+12015550123"), "Authorization: Basic QUM6d3Jvbmc=");
  EXPECT_EQ(error_of(wrong), std::make_pair(401L, 20003U));
  EXPECT_EQ(error_of(create(sms("+12015550123"), "")), std::make_pair(401L, 20003U));
  auto other_account = create(sms("+12015550123"), good_auth, "ACffffffffffffffffffffffffffffffff");
  EXPECT_EQ(error_of(other_account), std::make_pair(401L, 20003U));
  EXPECT_EQ(error_of(create(sms("+12015550123"), good_auth, "AC12")), std::make_pair(404L, 20404U));
}

TEST_F(twilio_simulator_test, parameter_errors_use_twilios_codes) {
  EXPECT_EQ(error_of(create({{"From", "+12015550100"}, {"Body", "x"}})),
            std::make_pair(400L, 21604U));
  EXPECT_EQ(error_of(create({{"To", "+12015550123"}, {"Body", "x"}})),
            std::make_pair(400L, 21603U));
  EXPECT_EQ(error_of(create({{"To", "+12015550123"}, {"From", "+12015550100"}})),
            std::make_pair(400L, 21602U));
  EXPECT_EQ(error_of(create({{"To", "+1201"}, {"From", "+12015550100"}, {"Body", "x"}})),
            std::make_pair(400L, 21211U));
  auto variables_alone = sms("+12015550123");
  variables_alone.emplace_back("ContentVariables", R"({"1":"1234"})");
  EXPECT_EQ(error_of(create(variables_alone)), std::make_pair(400L, 21654U));
  auto not_an_object = whatsapp("+12015550123");
  not_an_object.emplace_back("ContentSid", template_sid);
  not_an_object.emplace_back("ContentVariables", "[1]");
  EXPECT_EQ(error_of(create(not_an_object)), std::make_pair(400L, 21656U));
  EXPECT_EQ(error_of(create({{"To", "+12015550123"}, {"From", "+12015550100"}, {"Body", "x"},
                             {"StatusCallback", "ftp://example.com/x"}})),
            std::make_pair(400L, 21609U));
  EXPECT_EQ(error_of(create({{"To", "whatsapp:+12015550123"}, {"From", "+12015550100"},
                             {"Body", "x"}})),
            std::make_pair(400L, 21910U));
  EXPECT_EQ(simulator_.stats().refused, 8U);
}

TEST_F(twilio_simulator_test, a_created_message_has_the_spec_shape) {
  auto result = create(sms("+12015550123"));
  ASSERT_EQ(result.status, 201) << result.body;
  auto body = json::parse(result.body);
  std::set<std::string> keys;
  for (const auto& item : body.items())
    keys.insert(item.key());
  std::set<std::string> spec_keys{"account_sid", "api_version", "body", "date_created",
                                  "date_sent", "date_updated", "direction", "error_code",
                                  "error_message", "from", "messaging_service_sid", "num_media",
                                  "num_segments", "price", "price_unit", "sid", "status",
                                  "subresource_uris", "to", "uri"};
  EXPECT_EQ(keys, spec_keys);
  auto sid = body["sid"].get<std::string>();
  EXPECT_TRUE(std::regex_match(sid, std::regex{"SM[0-9a-f]{32}"})) << sid;
  EXPECT_EQ(body["status"], "queued");
  EXPECT_EQ(body["account_sid"], account_sid);
  EXPECT_EQ(body["direction"], "outbound-api");
  EXPECT_EQ(body["num_segments"], "1");
  EXPECT_EQ(body["num_media"], "0");
  EXPECT_TRUE(body["price"].is_null());
  EXPECT_TRUE(body["error_code"].is_null());
  EXPECT_EQ(body["to"], "+12015550123");
  EXPECT_EQ(body["from"], "+12015550100");
  EXPECT_TRUE(std::regex_match(body["date_created"].get<std::string>(),
                               std::regex{R"([A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} )"
                                          R"(\d{2}:\d{2}:\d{2} \+0000)"}))
    << body["date_created"];
  auto uri = "/2010-04-01/Accounts/" + std::string{account_sid} + "/Messages/" + sid;
  EXPECT_EQ(body["uri"], uri + ".json");
  EXPECT_EQ(body["subresource_uris"]["media"], uri + "/Media.json");
}

TEST_F(twilio_simulator_test, bytes_that_are_not_utf8_are_answered_not_a_crash) {
  auto odd_body = sms("+12015550123");
  odd_body[2].second = "code \xFF\xFE";
  auto created = create(odd_body);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(json::parse(created.body)["body"], "code \xEF\xBF\xBD\xEF\xBF\xBD") << "U+FFFD each";
  auto odd_to = sms("+1201\xFF");
  EXPECT_EQ(error_of(create(odd_to)), std::make_pair(400L, 21211U));
  EXPECT_EQ(create(sms("+12015550123")).status, 201) << "still serving";
}

TEST_F(twilio_simulator_test, the_inbox_holds_each_numbers_latest_body) {
  EXPECT_FALSE(last_body("+12015550123"));
  ASSERT_EQ(create(sms("+12015550123")).status, 201);
  auto second = whatsapp("+12015550123");
  second[2].second = "Your code is 5678";
  ASSERT_EQ(create(second).status, 201);
  EXPECT_EQ(last_body("+12015550123"), "Your code is 5678");
  ASSERT_EQ(create(sms("+12015550005")).status, 400); // refused: never reached the phone
  EXPECT_FALSE(last_body("+12015550005"));
}

TEST_F(twilio_simulator_test, a_phone_shows_its_latest_message_over_http) {
  auto screen = [this](const std::string& number) {
    return test::http_call("GET", simulator_.base_url() + "/sim/phones/" + number + "/latest");
  };
  EXPECT_EQ(screen("+12015550123").status, 404);
  auto message = whatsapp("+12015550123");
  message[2].second = "Your code is 5678";
  ASSERT_EQ(create(message).status, 201);
  for (const char* number : {"+12015550123", "%2B12015550123", "12015550123"}) {
    auto shown = screen(number);
    ASSERT_EQ(shown.status, 200) << number;
    EXPECT_EQ(json::parse(shown.body),
              (json{{"to", "+12015550123"}, {"channel", "whatsapp"}, {"text", "Your code is 5678"}}))
      << number;
  }
  EXPECT_EQ(screen("+1201555012x").status, 404) << "not a number: not a phone";
  EXPECT_EQ(screen("").status, 404);
  EXPECT_EQ(test::http_call("POST", simulator_.base_url() + "/sim/phones/+12015550123/latest")
              .status,
            404)
    << "only GET shows the screen";
}

TEST_F(twilio_simulator_test, whatsapp_callbacks_are_signed_and_complete) {
  auto result = create(whatsapp("+12015550123"));
  ASSERT_EQ(result.status, 201) << result.body;
  auto sid = json::parse(result.body)["sid"].get<std::string>();
  auto requests = recorder_.wait_for(3, 10s);
  ASSERT_EQ(requests.size(), 3U);
  std::vector<std::string> tokens{auth_token};
  std::vector<std::string> wrong{"another-token"};
  std::vector<std::string> seen;
  for (const auto& request : requests) {
    auto url = receiver_.url(request.target);
    auto form = parse_form(request.body).value();
    auto signature = request.header("X-Twilio-Signature");
    EXPECT_TRUE(validate_twilio_signature(signature, url, form, request.body, tokens));
    EXPECT_FALSE(validate_twilio_signature(signature, url, form, request.body, wrong));
    EXPECT_EQ(request.header("Content-Type"), "application/x-www-form-urlencoded");
    EXPECT_EQ(find_param(form, "MessageSid"), sid);
    EXPECT_EQ(find_param(form, "SmsSid"), sid);
    EXPECT_EQ(find_param(form, "AccountSid"), account_sid);
    EXPECT_EQ(find_param(form, "From"), "whatsapp:+14155238886");
    EXPECT_EQ(find_param(form, "To"), "whatsapp:+12015550123");
    EXPECT_EQ(find_param(form, "ApiVersion"), "2010-04-01");
    EXPECT_EQ(find_param(form, "ChannelPrefix"), "whatsapp");
    EXPECT_EQ(find_param(form, "ChannelToAddress"), "+12015550123");
    EXPECT_TRUE(find_param(form, "ChannelInstallSid"));
    EXPECT_EQ(find_param(form, "SmsStatus"), find_param(form, "MessageStatus"));
    seen.emplace_back(find_param(form, "MessageStatus").value_or("?"));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"sent", "delivered", "read"}));
  EXPECT_EQ(find_param(parse_form(requests[2].body).value(), "EventType"), "READ");
}

TEST_F(twilio_simulator_test, sms_callbacks_end_with_delivered_and_a_dlr_date) {
  ASSERT_EQ(create(sms("+12015550123")).status, 201);
  auto forms = callbacks(2);
  ASSERT_EQ(forms.size(), 2U);
  EXPECT_EQ(find_param(forms[0], "MessageStatus"), "sent");
  EXPECT_EQ(find_param(forms[1], "MessageStatus"), "delivered");
  EXPECT_TRUE(std::regex_match(std::string{find_param(forms[1], "RawDlrDoneDate").value_or("")},
                               std::regex{R"(\d{10})"}));
  EXPECT_FALSE(find_param(forms[1], "ChannelPrefix"));
  EXPECT_EQ(recorder_.wait_for(3, 100ms).size(), 2U);
}

TEST_F(twilio_simulator_test, a_messaging_service_message_is_accepted_then_queued) {
  auto result = create({{"To", "+12015550123"},
                        {"MessagingServiceSid", "MG0123456789abcdef0123456789abcdef"},
                        {"Body", "x"}, {"StatusCallback", callback_url()}});
  ASSERT_EQ(result.status, 201) << result.body;
  auto body = json::parse(result.body);
  EXPECT_EQ(body["status"], "accepted");
  EXPECT_TRUE(body["from"].is_null());
  EXPECT_EQ(body["messaging_service_sid"], "MG0123456789abcdef0123456789abcdef");
  EXPECT_EQ(statuses(3), (std::vector<std::string>{"queued", "sent", "delivered"}));
}

TEST_F(twilio_simulator_test, scenario_0001_is_never_delivered) {
  ASSERT_EQ(create(whatsapp("+12015550001")).status, 201);
  EXPECT_EQ(statuses(1), std::vector<std::string>{"sent"});
  EXPECT_EQ(recorder_.wait_for(2, 200ms).size(), 1U);
}

TEST_F(twilio_simulator_test, scenario_0002_is_not_on_whatsapp_but_sms_works) {
  ASSERT_EQ(create(whatsapp("+12015550002")).status, 201);
  EXPECT_EQ(statuses(1), std::vector<std::string>{"failed 63003"});
  ASSERT_EQ(create(sms("+12015550002")).status, 201);
  EXPECT_EQ(statuses(3), (std::vector<std::string>{"failed 63003", "sent", "delivered"}));
}

TEST_F(twilio_simulator_test, scenario_0003_needs_the_template) {
  ASSERT_EQ(create(whatsapp("+12015550003")).status, 201);
  EXPECT_EQ(statuses(1), std::vector<std::string>{"failed 63016"});
  form_params templated{{"To", "whatsapp:+12015550003"}, {"From", "whatsapp:+14155238886"},
                        {"ContentSid", template_sid}, {"ContentVariables", R"({"1":"1234"})"},
                        {"StatusCallback", callback_url()}};
  ASSERT_EQ(create(templated).status, 201);
  EXPECT_EQ(statuses(4),
            (std::vector<std::string>{"failed 63016", "sent", "delivered", "read"}));
}

TEST_F(twilio_simulator_test, the_inbox_keeps_what_delivered_messages_said) {
  auto sid_of = [](const test::http_result& created) {
    return json::parse(created.body, nullptr, false).value("sid", "");
  };
  auto now = sim_inbox::clock::now();
  auto sms_sid = sid_of(create(sms("+12015550100")));
  auto sms_message = inbox_->find(sms_sid, now);
  ASSERT_TRUE(sms_message) << sms_sid;
  EXPECT_FALSE(sms_message->whatsapp);
  EXPECT_EQ(sms_message->text, "Your code is 1234");

  form_params templated{{"To", "whatsapp:+12015550003"}, {"From", "whatsapp:+14155238886"},
                        {"ContentSid", template_sid}, {"ContentVariables", R"({"1":"5678"})"},
                        {"StatusCallback", callback_url()}};
  auto template_message = inbox_->find(sid_of(create(templated)), now);
  ASSERT_TRUE(template_message);
  EXPECT_TRUE(template_message->whatsapp);
  EXPECT_EQ(template_message->text, "Your verification code is 5678.");

  EXPECT_FALSE(inbox_->find(sid_of(create(whatsapp("+12015550001"))), now)) << "never delivered";
  EXPECT_FALSE(inbox_->find(sid_of(create(whatsapp("+12015550002"))), now)) << "failed";
}

TEST_F(twilio_simulator_test, scenario_0004_is_undelivered) {
  ASSERT_EQ(create(sms("+12015550004")).status, 201);
  EXPECT_EQ(statuses(2), (std::vector<std::string>{"sent", "undelivered 30003"}));
}

TEST_F(twilio_simulator_test, scenario_0005_is_a_synchronous_21211) {
  EXPECT_EQ(error_of(create(sms("+12015550005"))), std::make_pair(400L, 21211U));
  EXPECT_EQ(recorder_.wait_for(1, 100ms).size(), 0U);
}

TEST_F(twilio_simulator_test, scenario_0006_is_throttled_twice_then_accepted) {
  for (int i = 0; i < 2; ++i) {
    auto throttled = create(sms("+12015550006"));
    EXPECT_EQ(error_of(throttled), std::make_pair(429L, 20429U));
    EXPECT_EQ(throttled.headers["retry-after"], "1");
  }
  EXPECT_EQ(create(sms("+12015550006")).status, 201);
}

TEST_F(twilio_simulator_test, scenario_0007_sends_every_callback_twice) {
  ASSERT_EQ(create(sms("+12015550007")).status, 201);
  EXPECT_EQ(statuses(4), (std::vector<std::string>{"sent", "sent", "delivered", "delivered"}));
}

TEST_F(twilio_simulator_test, scenario_0008_delivers_before_sent) {
  ASSERT_EQ(create(sms("+12015550008")).status, 201);
  EXPECT_EQ(statuses(2), (std::vector<std::string>{"delivered", "sent"}));
}

TEST_F(twilio_simulator_test, scenario_0009_calls_back_before_the_201) {
  auto result = create(sms("+12015550009"));
  ASSERT_EQ(result.status, 201);
  EXPECT_GE(recorder_.received().size(), 1U) << "the callback was answered before the 201";
  EXPECT_EQ(statuses(2), (std::vector<std::string>{"sent", "delivered"}));
}

TEST_F(twilio_simulator_test, scenario_0010_answers_late_without_holding_up_others) {
  auto started = std::chrono::steady_clock::now();
  auto slow = std::async(std::launch::async, [this] { return create(sms("+12015550010")); });
  auto quick = create(sms("+12015550123"));
  EXPECT_EQ(quick.status, 201);
  EXPECT_EQ(slow.wait_for(0s), std::future_status::timeout) << "the quick one came first";
  auto late = slow.get();
  EXPECT_EQ(late.status, 201) << late.body;
  EXPECT_GE(std::chrono::steady_clock::now() - started, 1s);
  auto slow_sid = json::parse(late.body)["sid"];
  auto forms = callbacks(4);
  EXPECT_EQ(std::count_if(forms.begin(), forms.end(),
                          [&](const form_params& f) { return find_param(f, "MessageSid") == slow_sid; }),
            2)
    << "then delivered";
}

TEST_F(twilio_simulator_test, scenario_0011_throttles_the_whole_account) {
  auto first = create(sms("+12015550011"));
  EXPECT_EQ(error_of(first), std::make_pair(429L, 20429U));
  EXPECT_EQ(first.headers["retry-after"], "1");
  for (const auto* to : {"+12015550123", "+13105550123"})
    EXPECT_EQ(error_of(create(whatsapp(to))), std::make_pair(429L, 20429U)) << to;
  EXPECT_EQ(simulator_.stats().created, 0U);
}

TEST_F(twilio_simulator_test, a_callback_that_cannot_connect_is_retried_once) {
  test::refusing_port closed;
  ASSERT_EQ(create({{"To", "+12015550001"}, {"From", "+12015550100"}, {"Body", "x"},
                    {"StatusCallback", closed.url("/status")}})
              .status,
            201);
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (simulator_.stats().callbacks.failed == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  auto stats = simulator_.stats();
  EXPECT_EQ(stats.callbacks.failed, 1U);
  EXPECT_EQ(stats.callbacks.retried, 1U);
  EXPECT_EQ(stats.created, 1U);
}

} // namespace
} // namespace verity::net
