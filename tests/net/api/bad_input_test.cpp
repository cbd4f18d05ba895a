#include "tests/net/api/api_fixture.hpp"

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

  /// Expects that no request changing state reached the engine (reads may have).
  void expect_nothing_changed() const {
    EXPECT_TRUE(engine->start.received().empty());
    EXPECT_TRUE(engine->resend.received().empty());
    EXPECT_TRUE(engine->check.received().empty());
    EXPECT_TRUE(engine->status.received().empty());
    EXPECT_TRUE(engine->inbound.received().empty());
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

/// Byte sequences that are not UTF-8, with what they are.
const std::vector<std::pair<std::string, std::string>> bad_utf8 = {
  {"\xff", "0xff"},
  {"\x80", "lone continuation byte"},
  {"\xc0\xaf", "overlong slash"},
  {"\xed\xa0\x80", "encoded surrogate"},
  {"\xe2\x82", "truncated sequence"},
  {"\xf4\x90\x80\x80", "above U+10FFFF"},
};

TEST_F(bad_input_test, bad_utf8_in_any_json_string_is_400) {
  auto check = "/v1/verifications/" + id + "/check";
  auto resend = "/v1/verifications/" + id + "/resend";
  for (const auto& [bytes, what] : bad_utf8) {
    for (const char* field : {"to", "channel", "fallback", "country", "locale"}) {
      nlohmann::json valid = {{"to", "+12015550123"}};
      auto body = valid.dump();
      body.insert(body.size() - 1, std::string(R"(, ")") + field + R"(": "x)" + bytes + "\"");
      if (std::string(field) == "to")
        body = R"({"to": "+1201555)" + bytes + R"(0123"})";
      expect_error(post_json("/v1/verifications", body), 400, "invalid_request", field + what);
    }
    expect_error(post_json(check, R"({"code": "12345)" + bytes + "\"}"), 400, "invalid_request",
                 "code " + what);
    expect_error(post_json(resend, R"({"channel": "sms)" + bytes + "\"}"), 400, "invalid_request",
                 "channel " + what);
    expect_error(post_json("/v1/verifications", R"({"to": "+12015550123", ")" + bytes + R"(": 1})"),
                 400, "invalid_request", "key " + what);
    expect_seed_error(post_public("/api/referrals/send-verification",
                                  R"({"phone": "+1201555)" + bytes + R"(0123"})"),
                      400, "success", "phone " + what);
    expect_seed_error(post_public("/api/referrals/verify-code",
                                  R"({"phone": "+12015550123", "code": ")" + bytes + "\"}"),
                      400, "ok", "code " + what);
  }
  // An escaped lone surrogate is just as broken.
  expect_error(post_json("/v1/verifications", R"({"to": "+12015550123", "locale": "\ud800"})"),
               400, "invalid_request", "escaped lone surrogate");
  expect_nothing_changed();
  expect_still_answering();
}

TEST_F(bad_input_test, bad_utf8_echoed_back_stays_valid_utf8) {
  // The compatibility 404 repeats the SID it was asked for: the answer must still be UTF-8.
  auto result = call("GET", "/api/referrals/delivery-status/SM%FF%C0%AF");
  EXPECT_EQ(result.status, 404);
  auto body = nlohmann::json::parse(result.body, nullptr, false);
  ASSERT_FALSE(body.is_discarded()) << "answer is valid JSON (and so valid UTF-8)";
  EXPECT_EQ(body["ok"], false);
}

TEST_F(bad_input_test, bad_utf8_in_signed_form_values_changes_nothing) {
  engine->inbound.answer_with([](const inbound_message&) { return answer(acknowledged{}); });
  for (const auto& [bytes, what] : bad_utf8) {
    auto from = post_signed("/v1/webhooks/twilio/inbound",
                            {{"From", "+1201555" + bytes + "0123"}, {"Body", "STOP"}});
    EXPECT_EQ(from.status, 200) << what;
    EXPECT_EQ(from.body, "<Response/>") << what;
    auto status = post_signed("/v1/webhooks/twilio/status",
                              {{"MessageSid", "SM" + bytes}, {"MessageStatus", "deliv" + bytes},
                               {"To", "+12015550123"}});
    EXPECT_EQ(status.status, 200) << what;
    auto recipient = post_signed("/v1/webhooks/twilio/status",
                                 {{"MessageSid", "SM" + std::string(32, '1')},
                                  {"MessageStatus", "delivered"}, {"To", "+1201" + bytes}});
    EXPECT_EQ(recipient.status, 200) << what;
  }
  expect_nothing_changed();

  // A keyword with a broken byte is no keyword: the sender is not opted out.
  auto body = post_signed("/v1/webhooks/twilio/inbound",
                          {{"From", "+12015550123"}, {"Body", "STOP\xff"}});
  EXPECT_EQ(body.status, 200);
  auto received = engine->inbound.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].action, inbound_action::none);
}

TEST_F(bad_input_test, exotic_phone_numbers) {
  for (const char* to :
       {"12345", "+1 12345", "911", "+000", "+0001234567", "+0", "+",
        "+1111111111111111111111111111111111111111", "+1 201 555 0123 4567 8901", "phone",
        "+1 201 555 CALL ME NOW", "+1 (201) 555-01x3",
        "+1\u00a0201\u00a0555\u00a00123\u00a0ext\u00a01"})
    expect_error(post_json("/v1/verifications", nlohmann::json{{"to", to}}.dump()), 400,
                 "invalid_phone", to);
  EXPECT_TRUE(engine->start.received().empty());

  // libphonenumber reads other scripts' digits and keypad letters, and skips what surrounds a
  // number: the engine only ever gets plain E.164.
  for (const char* to : {"++12015550123", "tel:+12015550123", "\u202e+12015550123",
                         "+\u0661\u0662\u0660\u0661\u0665\u0665\u0665\u0660\u0661\u0662\u0663",
                         "\uff0b\uff11\uff12\uff10\uff11\uff15\uff15\uff15\uff10\uff11\uff12\uff13",
                         "+1 201 555 01\u0662\u0663"}) {
    auto result = post_json("/v1/verifications", nlohmann::json{{"to", to}}.dump());
    EXPECT_EQ(result.status, 201) << to << ": " << result.body;
    ASSERT_FALSE(engine->start.received().empty());
    EXPECT_EQ(engine->start.received().back().phone, "+12015550123") << to;
  }
  auto vanity = post_json("/v1/verifications", R"({"to": "+1 201 555 CALL"})");
  EXPECT_EQ(vanity.status, 201);
  EXPECT_EQ(engine->start.received().back().phone, "+12015552255");
}

TEST_F(bad_input_test, unknown_well_formed_ids_are_404) {
  const std::string unknown = "VE0123456789abcdef0123456789abcdef";
  expect_error(get("/v1/verifications/" + unknown), 404, "not_found", "get");
  expect_error(get("/v1/verifications/" + unknown + "?wait=1"), 404, "not_found", "long poll");
  expect_error(post_json("/v1/verifications/" + unknown + "/check", R"({"code": "123456"})"), 404,
               "not_found", "check");
  expect_error(post_json("/v1/verifications/" + unknown + "/resend", R"({"channel": "sms"})"), 404,
               "not_found", "resend");
  expect_error(get("/v1/messages/MS0123456789abcdef0123456789abcdef"), 404, "not_found",
               "message id");
  expect_error(get("/v1/messages/SM0123456789abcdef0123456789abcdef"), 404, "not_found",
               "Twilio SID");
  auto compat = call("GET", "/api/referrals/delivery-status/SM0123456789abcdef0123456789abcdef");
  expect_seed_error(compat, 404, "ok", "compat status");
  EXPECT_EQ(json_of(compat)["messageSid"], "SM0123456789abcdef0123456789abcdef");
  expect_error(get("/v1/messages/x"), 400, "invalid_request", "malformed message id");
  expect_error(get("/v1/phones/not-a-phone/stats"), 400, "invalid_phone", "malformed phone");
}

TEST_F(bad_input_test, long_headers_and_urls_are_431) {
  expect_error(post_json("/v1/verifications", R"({"to": "+12015550123"})",
                         {"Idempotency-Key: " + std::string(9000, 'k')}),
               431, "invalid_request", "long header");
  std::vector<std::string> many;
  for (int i = 0; i < 300; ++i)
    many.push_back("X-Filler-" + std::to_string(i) + ": " + std::string(20, 'f'));
  expect_error(call("GET", "/healthz", {}, many), 431, "invalid_request", "many headers");
  expect_error(get("/v1/verifications/" + id + "?seen=" + std::string(9000, 'a')), 431,
               "invalid_request", "long URL");
  expect_error(get("/v1/verifications/VE" + std::string(4000, 'a')), 400, "invalid_request",
               "long id under the limit");
  expect_nothing_changed();
  expect_still_answering();
}

TEST_F(bad_input_test, huge_bodies_on_every_post_route_are_413) {
  std::string huge(70'000, 'a');
  for (const auto& path : v1_paths())
    expect_error(post_json(path, huge), 413, "payload_too_large", path);
  expect_error(call("POST", "/v1/webhooks/twilio/status", "To=" + huge,
                    {"Content-Type: application/x-www-form-urlencoded", "X-Twilio-Signature: x"}),
               413, "payload_too_large", "webhook");
  expect_error(call("POST", "/api/referrals/verify-code", huge,
                    {"Content-Type: application/json", "Transfer-Encoding: chunked"}),
               413, "payload_too_large", "chunked");
  auto within = post_json("/v1/verifications",
                          R"({"to": "+12015550123", "locale": "en")" + std::string(60'000, ' ')
                            + "}");
  EXPECT_EQ(within.status, 201) << "a body just under the limit is read";
  EXPECT_EQ(engine->start.received().size(), 1u);
}

TEST_F(bad_input_test, header_injection_through_values_goes_nowhere) {
  // Percent-encoded CR LF in the path and an Idempotency-Key: never a header in the answer.
  auto path = get("/v1/verifications/VE%0d%0aSet-Cookie:%20a=b");
  expect_error(path, 400, "invalid_request", "encoded CRLF in the id");
  EXPECT_EQ(path.headers.count("set-cookie"), 0u);
  auto compat = call("GET", "/api/referrals/delivery-status/SM%0d%0aSet-Cookie:%20a=b");
  EXPECT_EQ(compat.headers.count("set-cookie"), 0u);
  expect_error(get("/v1/verifications/" + id + "?seen=sent%0d%0aSet-Cookie:%20a=b"), 400,
               "invalid_request", "encoded CRLF in a query");
  expect_nothing_changed();
}

} // namespace
} // namespace verity::net::test
