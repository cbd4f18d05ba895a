// Every kind of CreateMessage request Verity sends, captured off the wire, checked against the
// operation in Twilio's OpenAPI spec (tests/data/twilio_create_message_schema.json, extracted by
// scripts/extract_create_message_schema.py): path, method, content type, Basic auth and every
// form field, generically from the schema, so a field the spec does not know fails.

#include <fstream>
#include <mutex>
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include "net/twilio/client.hpp"
#include "net/http/curl_multi.hpp"
#include "tests/support/collector.hpp"
#include "tests/support/form_schema.hpp"
#include "tests/support/io_thread.hpp"
#include "tests/support/request_recorder.hpp"

namespace verity::net {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

constexpr const char* account_sid = "AC0123456789abcdef0123456789abcdef";
constexpr const char* auth_token = "schema-token";

/// The extracted CreateMessage operation.
const json& operation() {
  static const json loaded = [] {
    std::ifstream file{VERITY_TEST_DATA_DIR "/twilio_create_message_schema.json"};
    return json::parse(file);
  }();
  return loaded;
}

/// Standard base64 decoded, or "" when it is not base64.
std::string from_base64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0)
    return {};
  std::string bytes(text.size() / 4 * 3, '\0');
  auto size = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                              reinterpret_cast<const unsigned char*>(text.data()),
                              static_cast<int>(text.size()));
  if (size < 0)
    return {};
  auto padding = static_cast<std::size_t>(std::count(text.end() - 2, text.end(), '='));
  bytes.resize(static_cast<std::size_t>(size) - padding);
  return bytes;
}

/// The values of the `{Name}` segments of `path` under `operation()["path"]`, or nothing when
/// the path does not have its shape.
std::optional<std::map<std::string, std::string>> path_values(std::string_view path) {
  static const std::regex placeholder{R"(\{([A-Za-z]+)\})"};
  auto pattern = operation()["path"].get<std::string>();
  std::vector<std::string> names;
  std::string expression = "^";
  auto last = pattern.cbegin();
  for (std::sregex_iterator it{pattern.cbegin(), pattern.cend(), placeholder}, end; it != end; ++it) {
    expression += std::regex_replace(std::string{last, (*it)[0].first}, std::regex{R"([.^$|()\[\]*+?\\])"}, R"(\$&)");
    expression += "([^/]+)";
    names.push_back((*it)[1]);
    last = (*it)[0].second;
  }
  expression += std::regex_replace(std::string{last, pattern.cend()}, std::regex{R"([.^$|()\[\]*+?\\])"}, R"(\$&)") + "$";
  std::smatch match;
  std::string text{path};
  if (!std::regex_match(text, match, std::regex{expression}))
    return std::nullopt;
  std::map<std::string, std::string> values;
  for (std::size_t i = 0; i < names.size(); ++i)
    values[names[i]] = match[i + 1];
  return values;
}

/// Every way `request` breaks the operation: method, path and its parameters, content type,
/// HTTP Basic as the path's account, then the form body against the request body schema.
std::vector<std::string> check_request(const http_request& request) {
  std::vector<std::string> problems;
  const auto& op = operation();
  if (request.method != op["method"])
    problems.push_back("method " + request.method);
  auto values = path_values(request.path());
  if (!values)
    return {"path " + std::string{request.path()} + " is not " + op["path"].get<std::string>()};
  for (const auto& [name, value] : *values)
    for (auto& problem : test::check_value(name, value, op["pathParameters"][name]))
      problems.push_back(std::move(problem));
  auto type = request.header("Content-Type");
  if (type.substr(0, type.find(';')) != op["contentType"].get<std::string>())
    problems.push_back("Content-Type " + std::string{type});
  EXPECT_EQ(op["security"], json::parse(R"([{"scheme":"basic","type":"http"}])"));
  auto authorization = request.header("Authorization");
  if (!authorization.starts_with("Basic ")
      || from_base64(authorization.substr(6)) != (*values)["AccountSid"] + ":" + auth_token)
    problems.push_back("Authorization is not Basic AccountSid:AuthToken");
  auto form = parse_form(request.body);
  if (!form)
    return problems.push_back("body: " + form.error()), problems;
  for (auto& problem : test::check_form(*form, op["requestBody"]))
    problems.push_back(std::move(problem));
  return problems;
}

/// What PROTOCOL.md adds to the schema for the fields Verity sends: ContentVariables is a
/// JSON object, and WhatsApp carries "whatsapp:" on both To and From or on neither.
std::vector<std::string> check_twilio_rules(const form_params& form) {
  std::vector<std::string> problems;
  if (auto variables = find_param(form, "ContentVariables");
      variables && !json::parse(*variables, nullptr, false).is_object())
    problems.push_back("ContentVariables is not a JSON object: " + std::string{*variables});
  auto to = find_param(form, "To").value_or("");
  auto from = find_param(form, "From");
  if (from && to.starts_with("whatsapp:") != from->starts_with("whatsapp:"))
    problems.push_back("To and From are not on the same channel");
  return problems;
}

/// Records every request, whatever its path, and answers 201.
struct recording_twilio final : request_handler {
  void handle(http_request request, responder respond) override {
    recorder.record(request);
    respond({201, "application/json",
             R"({"sid":"SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","status":"queued"})", {}});
  }

  test::request_recorder recorder;
};

class create_message_schema_test : public ::testing::Test {
protected:
  twilio_client_settings settings() const {
    twilio_client_settings s;
    s.account.api_base = server_.url("");
    s.account.account_sid = account_sid;
    s.account.auth_token = auth_token;
    s.account.sms_from = "+12015550100";
    s.account.whatsapp_from = "+14155238886";
    s.account.whatsapp_template_sid = "HX0123456789abcdef0123456789abcdef";
    s.account.public_url = "https://verity.example";
    return s;
  }

  static outbound_message message(channel via, bool as_template = false) {
    outbound_message m;
    m.id = message_id::generate();
    m.via = via;
    m.to = "+12015550123";
    m.body = "Your code is 409173";
    m.code = "409173";
    m.as_template = as_template;
    return m;
  }

  /// Sends `m` through a client configured by `s`, returns the request Twilio would receive.
  http_request sent(const twilio_client_settings& s, const outbound_message& m) {
    twilio_client client{io_.io(), http_, s};
    test::collector<create_result> done;
    client.create(m, done.add());
    EXPECT_EQ(done.wait_for(1, 10s).size(), 1U);
    auto requests = twilio_.recorder.received();
    EXPECT_EQ(requests.size(), 1U);
    return requests.empty() ? http_request{} : requests.back();
  }

  /// Checks `request` against the spec and PROTOCOL.md; returns its form.
  static form_params expect_conforming(const http_request& request) {
    for (const auto& problem : check_request(request))
      ADD_FAILURE() << problem << "\n  body: " << request.body;
    auto form = parse_form(request.body).value_or(form_params{});
    for (const auto& problem : check_twilio_rules(form))
      ADD_FAILURE() << problem << "\n  body: " << request.body;
    return form;
  }

  recording_twilio twilio_;
  test::test_server server_{twilio_};
  test::io_thread io_;
  curl_multi http_{io_.io()};
};

TEST_F(create_message_schema_test, sms_with_from_conforms) {
  auto form = expect_conforming(sent(settings(), message(channel::sms)));
  EXPECT_TRUE(find_param(form, "From"));
  EXPECT_TRUE(find_param(form, "Body"));
  EXPECT_TRUE(find_param(form, "StatusCallback"));
}

TEST_F(create_message_schema_test, whatsapp_with_body_conforms) {
  auto form = expect_conforming(sent(settings(), message(channel::whatsapp)));
  EXPECT_EQ(find_param(form, "From"), "whatsapp:+14155238886");
  EXPECT_TRUE(find_param(form, "Body"));
}

TEST_F(create_message_schema_test, whatsapp_template_conforms) {
  auto form = expect_conforming(sent(settings(), message(channel::whatsapp, true)));
  EXPECT_TRUE(find_param(form, "ContentSid"));
  EXPECT_TRUE(find_param(form, "ContentVariables"));
  EXPECT_FALSE(find_param(form, "Body"));
}

TEST_F(create_message_schema_test, messaging_service_sender_conforms) {
  auto s = settings();
  s.account.messaging_service_sid = "MG0123456789abcdef0123456789abcdef";
  auto form = expect_conforming(sent(s, message(channel::whatsapp)));
  EXPECT_TRUE(find_param(form, "MessagingServiceSid"));
  EXPECT_FALSE(find_param(form, "From"));
}

/// The checker itself: each rule the schema states catches a request that breaks it.
TEST(create_message_schema_checker, catches_what_the_schema_forbids) {
  const auto& body = operation()["requestBody"];
  form_params good{{"To", "whatsapp:+12015550123"}, {"From", "whatsapp:+14155238886"},
                   {"ContentSid", "HX0123456789abcdef0123456789abcdef"},
                   {"ContentVariables", R"({"1":"409173"})"},
                   {"StatusCallback", "https://verity.example/v1/webhooks/twilio/status?x=1"}};
  EXPECT_EQ(test::check_form(good, body), std::vector<std::string>{});
  auto with = [&](std::string name, std::string value) {
    auto form = good;
    form.emplace_back(std::move(name), std::move(value));
    return test::check_form(form, body).size();
  };
  auto without = [&](std::initializer_list<std::string_view> names) {
    auto form = good;
    std::erase_if(form, [&](const auto& field) {
      return std::find(names.begin(), names.end(), field.first) != names.end();
    });
    return test::check_form(form, body).size();
  };
  EXPECT_EQ(with("Channel", "whatsapp"), 1U) << "a field the spec does not declare";
  EXPECT_EQ(with("To", "+12015550124"), 1U) << "a scalar field twice";
  EXPECT_EQ(with("MessagingServiceSid", "MG123"), 2U) << "pattern, minLength";
  EXPECT_EQ(with("ContentSid", "HX0123456789abcdef0123456789abcdef0"), 3U)
    << "a second ContentSid: twice, pattern, maxLength";
  EXPECT_EQ(with("ValidityPeriod", "soon"), 1U) << "type integer";
  EXPECT_EQ(with("RiskCheck", "maybe"), 1U) << "enum";
  EXPECT_EQ(with("SendAt", "2026-01-01T00:00:00Z"), 1U) << "a format the checker cannot check";
  EXPECT_EQ(without({"To"}), 1U);
  EXPECT_EQ(without({"From"}), 1U) << "neither From nor MessagingServiceSid";
  EXPECT_EQ(without({"ContentSid", "ContentVariables"}), 1U) << "no Body, MediaUrl, ContentSid";
  auto bad_callback = good;
  bad_callback.back().second = "https://my_host.example/status";
  EXPECT_EQ(test::check_form(bad_callback, body).size(), 1U) << "format uri";
  EXPECT_EQ(test::check_value("AccountSid", "ACnothex", operation()["pathParameters"]["AccountSid"])
              .size(),
            2U)
    << "pattern, minLength";
}

TEST(create_message_schema_checker, the_path_template_binds_its_parameters) {
  auto values = path_values("/2010-04-01/Accounts/AC0123/Messages.json");
  ASSERT_TRUE(values);
  EXPECT_EQ((*values)["AccountSid"], "AC0123");
  EXPECT_FALSE(path_values("/2010-04-01/Accounts/AC0123/Messages"));
  EXPECT_FALSE(path_values("/2010-04-01/Accounts/AC/x/Messages.json"));
}

} // namespace
} // namespace verity::net
