#include "tests/net/api_fixture.hpp"

namespace verity::net::test {
namespace {

using namespace std::chrono_literals;

/// Hostile and broken requests: each gets the right 4xx error body, and the server keeps
/// answering.
class bad_input_test : public api_fixture {
protected:
  void SetUp() override {
    api_fixture::SetUp();
    engine->start.answer_with([this](const verification_request& request) {
      return answer(make_view(request.phone, delivery_status::created));
    });
    id = make_view("+12015550123", delivery_status::created).verification.id.to_string();
  }

  /// Expects `result` to be `status` with an API error body of `code`.
  static void expect_error(const verity::test::http_result& result, long status,
                           const std::string& code, const std::string& context) {
    EXPECT_EQ(result.status, status) << context << ": " << result.body;
    auto body = nlohmann::json::parse(result.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << context << ": " << result.body;
    EXPECT_EQ(body["error"]["code"], code) << context;
    EXPECT_TRUE(body["error"]["message"].is_string()) << context;
  }

  /// Expects a seed-shaped error: {"<flag>": false, "error": "..."}.
  static void expect_seed_error(const verity::test::http_result& result, long status,
                                const std::string& flag, const std::string& context) {
    EXPECT_EQ(result.status, status) << context << ": " << result.body;
    auto body = nlohmann::json::parse(result.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << context << ": " << result.body;
    EXPECT_EQ(body[flag], false) << context;
    EXPECT_TRUE(body["error"].is_string()) << context;
  }

  /// The JSON routes of API v1.
  std::vector<std::string> v1_paths() const {
    return {"/v1/verifications", "/v1/verifications/" + id + "/resend",
            "/v1/verifications/" + id + "/check"};
  }

  /// A valid request still works.
  void expect_still_answering() {
    auto result = post_json("/v1/verifications", R"({"to": "+12015550123"})");
    EXPECT_EQ(result.status, 201) << result.body;
  }

  std::string id;
};

/// Bodies that are not a JSON object, with what they are.
const std::vector<std::pair<std::string, std::string>> broken_bodies = {
  {"", "empty"},
  {"   ", "blank"},
  {"{\"to\": ", "truncated"},
  {"{\"to\": \"+1201", "truncated string"},
  {"{'to': '+12015550123'}", "single quotes"},
  {"{\"to\": \"+12015550123\",}", "trailing comma"},
  {"[]", "array"},
  {"\"text\"", "string"},
  {"42", "number"},
  {"null", "null"},
  {std::string(100'000, '[').substr(0, 60'000), "deep nesting"},
  {"{\"to\": \"\xff\xfe\"}", "invalid UTF-8"},
  {std::string("{\"to\"\0: 1}", 10), "NUL byte"},
};

TEST_F(bad_input_test, broken_json_is_400_on_every_v1_route) {
  for (const auto& path : v1_paths())
    for (const auto& [body, what] : broken_bodies)
      expect_error(post_json(path, body), 400, "invalid_request", path + " with " + what);
  EXPECT_TRUE(engine->start.received().empty());
  expect_still_answering();
}

TEST_F(bad_input_test, broken_json_is_400_on_the_compatibility_routes) {
  for (const auto& [body, what] : broken_bodies) {
    expect_seed_error(post_public("/api/referrals/send-verification", body), 400, "success", what);
    expect_seed_error(post_public("/api/referrals/verify-code", body), 400, "ok", what);
  }
  expect_still_answering();
}

TEST_F(bad_input_test, wrong_types_are_400) {
  for (const char* body : {R"({"to": null})", R"({"to": ["+12015550123"]})", R"({"to": {"a": 1}})",
                           R"({"to": true})", R"({"to": "+12015550123", "channel": ["sms"]})",
                           R"({"to": "+12015550123", "country": 1})"})
    expect_error(post_json("/v1/verifications", body), 400, "invalid_request", body);
  expect_error(post_json("/v1/verifications/" + id + "/check", R"({"code": null})"), 400,
               "invalid_request", "null code");
  expect_error(post_json("/v1/verifications/" + id + "/check", R"({"code": ""})"), 400,
               "invalid_request", "empty code");
  expect_error(post_json("/v1/verifications/" + id + "/check",
                         R"({"code": ")" + std::string(100, '1') + "\"}"),
               400, "invalid_request", "long code");
  expect_seed_error(post_public("/api/referrals/verify-code", R"({"phone": 1, "code": "1"})"), 400,
                    "ok", "numeric phone");
  expect_still_answering();
}

TEST_F(bad_input_test, invalid_phones_are_400_invalid_phone) {
  for (const char* to : {"", "abc", "+1", "+999999999999999999", "+12015550123 ext. 5"})
    expect_error(post_json("/v1/verifications", std::string(R"({"to": ")") + to + "\"}"), 400,
                 "invalid_phone", to);
  expect_error(post_json("/v1/verifications", R"({"to": "+12015550123", "country": "ZZ"})"), 400,
               "invalid_phone", "unknown region");
  expect_still_answering();
}

TEST_F(bad_input_test, wrong_content_types_are_415) {
  for (const char* type : {"Content-Type: text/plain", "Content-Type:",
                           "Content-Type: application/x-www-form-urlencoded",
                           "Content-Type: application/jsonx"})
    for (const auto& path : v1_paths())
      expect_error(call("POST", path, R"({"to": "+12015550123"})",
                        {"Authorization: Bearer test-key-1", type}),
                   415, "unsupported_media_type", path + " with " + type);
  auto charset = call("POST", "/v1/verifications", R"({"to": "+12015550123"})",
                      {"Authorization: Bearer test-key-1",
                       "Content-Type: Application/JSON; charset=utf-8"});
  EXPECT_EQ(charset.status, 201);
  for (const char* path : {"/v1/webhooks/twilio/status", "/v1/webhooks/twilio/inbound",
                           "/api/referrals/sms-status-callback"})
    expect_error(call("POST", path, "MessageStatus=sent", {"Content-Type: text/plain"}), 415,
                 "unsupported_media_type", path);
  expect_seed_error(call("POST", "/api/referrals/verify-code", "{}", {"Content-Type: text/plain"}),
                    415, "ok", "verify-code as text");
}

TEST_F(bad_input_test, huge_body_is_413) {
  std::string huge = R"({"to": ")" + std::string(70'000, '1') + "\"}";
  expect_error(post_json("/v1/verifications", huge), 413, "payload_too_large", "v1");
  expect_error(post_public("/api/referrals/send-verification", huge), 413, "payload_too_large",
               "compat");
  expect_still_answering();
}

TEST_F(bad_input_test, invalid_ids_are_400) {
  for (const char* bad : {"VE", "VE123", "MS0123456789abcdef0123456789abcdef",
                          "VE0123456789ABCDEF0123456789ABCDEF", "VE0123456789abcdef0123456789abcdeg",
                          "VE%00%00", "%E2%82%AC"}) {
    std::string path = std::string("/v1/verifications/") + bad;
    expect_error(get(path), 400, "invalid_request", path);
    expect_error(post_json(path + "/check", R"({"code": "123456"})"), 400, "invalid_request", path);
  }
  expect_error(get("/v1/verifications/%zz"), 404, "not_found", "bad escape");
  expect_error(get("/v1/messages/VE0123456789abcdef0123456789abcdef"), 400, "invalid_request",
               "verification id as message id");
  expect_error(post_json("/v1/verifications", R"({"to": "+12015550123"})",
                         {"Idempotency-Key: " + std::string(300, 'k')}),
               400, "invalid_request", "long idempotency key");
  expect_still_answering();
}

TEST_F(bad_input_test, unknown_routes_are_404_and_wrong_methods_405) {
  for (const char* path : {"/", "/v1", "/v1/verifications/", "/v1/verification", "/api/referrals",
                           "/v1/webhooks/twilio", "/../../etc/passwd", "/v1/verifications//check"})
    expect_error(call("GET", path), 404, "not_found", path);
  auto wrong = call("DELETE", "/v1/verifications/" + id);
  expect_error(wrong, 405, "method_not_allowed", "DELETE");
  EXPECT_EQ(wrong.headers["allow"], "GET");
  expect_error(call("GET", "/v1/verifications"), 405, "method_not_allowed", "GET collection");
  expect_error(call("GET", "/v1/webhooks/twilio/status"), 405, "method_not_allowed", "GET webhook");
  expect_error(call("PUT", "/api/referrals/send-verification", "{}"), 405, "method_not_allowed",
               "PUT compat");
  expect_still_answering();
}

TEST_F(bad_input_test, broken_authorization_headers_are_401) {
  for (const char* header : {"Authorization: Bearer", "Authorization: Basic dGVzdDp0ZXN0",
                             "Authorization: test-key-1", "Authorization: Bearer test-key-1x",
                             "Authorization: Bearer  "})
    expect_error(call("GET", "/v1/verifications/" + id, {}, {header}), 401, "unauthorized", header);
}

TEST_F(bad_input_test, broken_queries_are_400) {
  for (const char* query : {"?wait=-1", "?wait=1.5", "?wait=99999999999999999999", "?wait=",
                            "?seen=SENT", "?seen=", "?wait=%"})
    expect_error(get("/v1/verifications/" + id + query), 400, "invalid_request", query);
}

TEST_F(bad_input_test, broken_webhook_requests) {
  expect_error(call("POST", "/v1/webhooks/twilio/status", "",
                    {"Content-Type: application/x-www-form-urlencoded"}),
               400, "invalid_request", "unsigned empty");
  expect_error(call("POST", "/v1/webhooks/twilio/status", std::string(1000, '&'),
                    {"Content-Type: application/x-www-form-urlencoded", "X-Twilio-Signature: x"}),
               403, "invalid_signature", "ampersands");
  expect_error(call("POST", "/v1/webhooks/twilio/inbound", "Body=%4",
                    {"Content-Type: application/x-www-form-urlencoded", "X-Twilio-Signature: x"}),
               400, "invalid_request", "truncated escape");
  expect_still_answering();
}

} // namespace
} // namespace verity::net::test
