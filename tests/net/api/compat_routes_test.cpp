#include "tests/net/api/api_fixture.hpp"

#include "engine/standard_webhook.hpp"
#include "tests/support/platform_stub.hpp"

namespace verity::net::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* phone = "+12015550123";
constexpr const char* sid = "SM0123456789abcdef0123456789abcdef";

/// The seed application's API over scripted fake shards.
class compat_routes_test : public api_fixture {
protected:
  /// Scripts a send whose create request Twilio answers with `state`, SID `twilio_sid` and
  /// create error `create_error`, on `via`; returns the view the engine then holds.
  verification_view script_send(delivery_status state, const std::string& twilio_sid,
                                channel via = channel::whatsapp, std::uint32_t create_error = 0) {
    auto created = make_view(phone, delivery_status::created);
    created.attempts[0].via = via;
    auto answered = created;
    answered.attempts[0].twilio_sid = twilio_sid;
    answered.attempts[0].create_error = create_error;
    answered.attempts[0].delivery.merge({state, timestamp{1'767'225'601'000ms}, 0});
    engine->start.answer_with([created](const verification_request&) { return answer(created); });
    engine->get.answer_with([answered](const verification_query&) { return answer(answered); });
    return answered;
  }

  verity::test::http_result send(const std::string& body) {
    return post_public("/api/referrals/send-verification", body);
  }
};

TEST_F(compat_routes_test, send_then_delivery_status_then_verify_code) {
  auto view = script_send(delivery_status::queued, sid);
  auto sent = send(R"({"phone": "(201) 555-0123", "method": "whatsapp"})");
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(json_of(sent), (json{{"success", true},
                                 {"channelUsed", "whatsapp"},
                                 {"channel", "whatsapp"},
                                 {"messageSid", sid},
                                 {"message", "Verification code sent via WhatsApp."},
                                 {"pollUrl", std::string("/api/referrals/delivery-status/") + sid}}));
  auto starts = engine->start.received();
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0].phone, phone);
  EXPECT_EQ(starts[0].preference, channel_preference::whatsapp);
  auto gets = engine->get.received();
  ASSERT_EQ(gets.size(), 1u);
  EXPECT_EQ(gets[0].seen, delivery_status::created);
  EXPECT_EQ(gets[0].wait, 1s);

  auto delivered = view;
  delivered.attempts[0].delivery.merge({delivery_status::delivered, timestamp{1'767'225'602'000ms}, 0});
  engine->get.answer_with([delivered](const verification_query&) { return answer(delivered); });
  auto status = call("GET", std::string("/api/referrals/delivery-status/") + sid);
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(json_of(status), (json{{"ok", true},
                                   {"success", true},
                                   {"messageSid", sid},
                                   {"status", "delivered"},
                                   {"method", "whatsapp"},
                                   {"isDelivered", true},
                                   {"isFailed", false},
                                   {"isPending", false},
                                   {"errorCode", nullptr},
                                   {"errorMessage", nullptr},
                                   {"timestamp", "2026-01-01T00:00:02.000Z"}}));

  auto id = view.verification.id;
  engine->check_phone.answer_with([id](const phone_code_check& check) {
    return answer(check.code == "123456"
                    ? phone_check_result{id, {verification_status::approved, true, 0}}
                    : phone_check_result{id, {verification_status::pending, false, 4}});
  });
  auto wrong = post_public("/api/referrals/verify-code", R"({"phone": "2015550123", "code": "1"})");
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(json_of(wrong)["ok"], false);
  EXPECT_EQ(json_of(wrong)["success"], false);
  EXPECT_EQ(json_of(wrong)["attemptsLeft"], 4);
  auto verified = post_public("/api/referrals/verify-code",
                              R"({"phone": "+12015550123", "code": "123456"})");
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_EQ(json_of(verified), (json{{"ok", true},
                                     {"success", true},
                                     {"verified", true},
                                     {"smsDelivered", false},
                                     {"whatsappDelivered", true}}))
    << "delivery flags come from Verity's receipts; no referral fields without a hook";
  auto checks = engine->check_phone.received();
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[1].phone, phone) << "the phone, not an in-memory id, names the verification";
  EXPECT_EQ(checks[1].code, "123456");
  EXPECT_EQ(engine->get.received().back().id, id);
}

TEST_F(compat_routes_test, sms_method_and_default_method) {
  script_send(delivery_status::queued, sid, channel::sms);
  auto sent = send(R"({"phone": "+12015550123", "method": "sms"})");
  ASSERT_EQ(sent.status, 200);
  EXPECT_EQ(json_of(sent)["channelUsed"], "sms");
  send(R"({"phone": "+12015550123"})");
  auto starts = engine->start.received();
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[0].preference, channel_preference::sms);
  EXPECT_EQ(starts[1].preference, channel_preference::whatsapp);
}

TEST_F(compat_routes_test, synchronous_whatsapp_failure_suggests_sms) {
  script_send(delivery_status::failed, "", channel::whatsapp, 63003);
  auto sent = send(R"({"phone": "+12015550123", "method": "whatsapp"})");
  ASSERT_EQ(sent.status, 200);
  EXPECT_EQ(json_of(sent), (json{{"success", false},
                                 {"channel", "whatsapp"},
                                 {"reason", "NOT_DELIVERED"},
                                 {"errorCode", 63003},
                                 {"message", "WhatsApp could not deliver the message."},
                                 {"suggestion", "Try SMS instead"}}));
}

TEST_F(compat_routes_test, synchronous_sms_failure_is_500) {
  script_send(delivery_status::failed, "", channel::sms, 21211);
  auto sent = send(R"({"phone": "+12015550123", "method": "sms"})");
  EXPECT_EQ(sent.status, 500);
  auto body = json_of(sent);
  EXPECT_EQ(body["success"], false);
  EXPECT_EQ(body["reason"], "DELIVERY_FAILED");
  EXPECT_EQ(body["errorCode"], 21211);
}

TEST_F(compat_routes_test, slow_create_answers_with_the_message_id) {
  auto view = script_send(delivery_status::created, "");
  auto sent = send(R"({"phone": "+12015550123"})");
  ASSERT_EQ(sent.status, 200);
  auto message = view.attempts[0].id.to_string();
  EXPECT_EQ(json_of(sent)["messageSid"], message);
  auto timed_out = view;
  timed_out.attempts[0].delivery.merge({delivery_status::timed_out, timestamp{1'767'225'610'000ms}, 0});
  engine->get.answer_with([timed_out](const verification_query&) { return answer(timed_out); });
  auto status = json_of(call("GET", "/api/referrals/delivery-status/" + message));
  EXPECT_EQ(status["status"], "timed_out");
  EXPECT_EQ(status["isFailed"], false) << "as in the seed, a passed deadline is no failure";
  EXPECT_EQ(status["isPending"], true) << "the page times out by itself";
}

TEST_F(compat_routes_test, only_twilio_failures_read_as_failed) {
  for (auto state : {delivery_status::failed, delivery_status::undelivered}) {
    auto view = make_view(phone, state, sid);
    engine->get.answer_with([view](const verification_query&) { return answer(view); });
    script_send(delivery_status::queued, sid);
    send(R"({"phone": "+12015550123"})");
    engine->get.answer_with([view](const verification_query&) { return answer(view); });
    auto status = json_of(call("GET", std::string("/api/referrals/delivery-status/") + sid));
    EXPECT_EQ(status["isFailed"], true) << to_string(state);
    EXPECT_EQ(status["isPending"], false) << to_string(state);
    EXPECT_EQ(status["isDelivered"], false) << to_string(state);
  }
}

TEST_F(compat_routes_test, send_input_errors_use_the_seed_shape) {
  for (const char* body : {R"({})", R"({"phone": ""})", R"({"phone": 5})",
                           R"({"phone": "+12015550123", "method": "pigeon"})",
                           R"({"phone": "12"})", "{\"phone\": "}) {
    auto sent = send(body);
    EXPECT_EQ(sent.status, 400) << body;
    auto answer_body = json_of(sent);
    EXPECT_EQ(answer_body["success"], false) << body;
    EXPECT_TRUE(answer_body["error"].is_string()) << body;
    EXPECT_EQ(answer_body["message"], answer_body["error"]) << "the newer page shows `message`";
  }
  auto form = call("POST", "/api/referrals/send-verification", "phone=1",
                   {"Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(form.status, 415);
  EXPECT_EQ(json_of(form)["success"], false);
  EXPECT_TRUE(engine->start.received().empty());
}

TEST_F(compat_routes_test, send_engine_errors_use_the_seed_shape) {
  engine->start.answer_with([](const verification_request&) {
    return fail<verification_view>(ec::rate_limited, 30'000ms);
  });
  auto limited = send(R"({"phone": "+12015550123"})");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.headers["retry-after"], "30");
  EXPECT_EQ(json_of(limited)["success"], false);
  EXPECT_TRUE(json_of(limited)["message"].is_string()) << "the seed's 429 had a message";
  engine->start.answer_with([](const verification_request&) {
    return fail<verification_view>(ec::opted_out);
  });
  auto opted_out = send(R"({"phone": "+12015550123"})");
  EXPECT_EQ(opted_out.status, 403);
  EXPECT_EQ(json_of(opted_out)["success"], false);
}

TEST_F(compat_routes_test, unknown_delivery_status_is_404) {
  auto status = call("GET", "/api/referrals/delivery-status/SMnope");
  EXPECT_EQ(status.status, 404);
  EXPECT_EQ(json_of(status), (json{{"ok", false},
                                   {"success", false},
                                   {"error", "Delivery status not found"},
                                   {"messageSid", "SMnope"}}));
}

TEST_F(compat_routes_test, verify_code_errors) {
  auto no_code = post_public("/api/referrals/verify-code", R"({"phone": "+12015550123"})");
  EXPECT_EQ(no_code.status, 400);
  EXPECT_EQ(json_of(no_code)["ok"], false);
  engine->check_phone.answer_with(
    [](const phone_code_check&) { return fail<phone_check_result>(ec::not_found); });
  auto unknown = post_public("/api/referrals/verify-code", R"({"phone": "+12015550123", "code": "1"})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(json_of(unknown)["ok"], false);
  EXPECT_EQ(json_of(unknown)["error"], "Verification code expired or not found.");
  engine->check_phone.answer_with([](const phone_code_check&) {
    return fail<phone_check_result>(ec::max_attempts_reached);
  });
  auto locked = post_public("/api/referrals/verify-code", R"({"phone": "+12015550123", "code": "1"})");
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(json_of(locked)["ok"], false);
}

/// The compatibility API with a per-address limit of 3 requests a minute.
class compat_ip_limit_test : public compat_routes_test {
protected:
  compat_ip_limit_test() { options.ip_limit = {3, 60'000ms}; }
};

TEST_F(compat_ip_limit_test, requests_over_the_limit_get_429) {
  script_send(delivery_status::queued, sid);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(send(R"({"phone": "+12015550123"})").status, 200);
  auto refused = send(R"({"phone": "+12015550123"})");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(json_of(refused)["success"], false);
  EXPECT_FALSE(refused.headers["retry-after"].empty());
  auto status = call("GET", std::string("/api/referrals/delivery-status/") + sid);
  EXPECT_EQ(status.status, 429);
  EXPECT_EQ(json_of(status)["ok"], false);
  EXPECT_EQ(engine->start.received().size(), 3u);
  engine->platform_stats.answer_with(
    [](const stats_query& query) { return answer(stats_report{query.days, {}, {}, {}}); });
  EXPECT_EQ(get("/v1/stats").status, 200); // API v1 is not limited per address
}

TEST_F(compat_routes_test, delivery_status_says_a_message_held_past_its_deadline_was_not_sent) {
  auto view = make_view(phone, delivery_status::timed_out);
  auto message = view.attempts[0];
  message.not_sent = not_sent_reason::sender_rate;
  engine->load_message.answer_with([message](const message_id& id) {
    return id == message.id ? answer(message) : fail<message_record>(ec::not_found);
  });
  view.attempts[0] = message;
  engine->get.answer_with([view](const verification_query&) { return answer(view); });
  auto status = call("GET", "/api/referrals/delivery-status/" + message.id.to_string());
  ASSERT_EQ(status.status, 200) << status.body;
  auto body = json_of(status);
  EXPECT_EQ(body["status"], "timed_out");
  EXPECT_EQ(body["errorCode"], "NOT_SENT_SENDER_RATE") << "0 or null reads as no error";
  ASSERT_TRUE(body["errorMessage"].is_string());
  EXPECT_NE(body["errorMessage"].get<std::string>().find("rate"), std::string::npos);
  EXPECT_NE(body["errorMessage"].get<std::string>().find("Not sent"), std::string::npos);
}

TEST_F(compat_routes_test, delivery_status_names_each_reason_a_message_was_not_sent) {
  for (auto [reason, expected] : {std::pair{not_sent_reason::egress_busy, "NOT_SENT_EGRESS_BUSY"},
                                  std::pair{not_sent_reason::send_limit, "NOT_SENT_SEND_LIMIT"}}) {
    auto view = make_view(phone, delivery_status::timed_out);
    auto message = view.attempts[0];
    message.not_sent = reason;
    engine->load_message.answer_with([message](const message_id& id) {
      return id == message.id ? answer(message) : fail<message_record>(ec::not_found);
    });
    view.attempts[0] = message;
    engine->get.answer_with([view](const verification_query&) { return answer(view); });
    auto status = call("GET", "/api/referrals/delivery-status/" + message.id.to_string());
    ASSERT_EQ(status.status, 200) << status.body;
    EXPECT_EQ(json_of(status)["errorCode"], expected);
  }
}

TEST_F(compat_routes_test, delivery_status_finds_a_message_the_index_never_held) {
  // As after a restart: no send went through this process, the message is only in storage.
  auto view = make_view(phone, delivery_status::delivered, sid);
  const auto& message = view.attempts[0];
  engine->get.answer_with([view](const verification_query&) { return answer(view); });
  engine->lookup.answer_with([message](const std::string& twilio_sid) {
    return twilio_sid == sid ? answer(message.id) : fail<message_id>(ec::not_found);
  });
  engine->load_message.answer_with([message](const message_id& id) {
    return id == message.id ? answer(message) : fail<message_record>(ec::not_found);
  });
  auto by_sid = call("GET", std::string("/api/referrals/delivery-status/") + sid);
  ASSERT_EQ(by_sid.status, 200) << by_sid.body;
  EXPECT_EQ(json_of(by_sid)["status"], "delivered");
  auto by_id = call("GET", "/api/referrals/delivery-status/" + message.id.to_string());
  ASSERT_EQ(by_id.status, 200) << by_id.body;
  EXPECT_EQ(json_of(by_id)["messageSid"], message.id.to_string());
  ASSERT_EQ(engine->get.received().size(), 2u);
  EXPECT_EQ(engine->get.received()[0].id, view.verification.id);
  auto unknown = call("GET", "/api/referrals/delivery-status/SMffffffffffffffffffffffffffffffff");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
}

/// The compatibility API with a verified hook at a real HTTP endpoint of the platform.
class compat_hook_test : public compat_routes_test {
protected:
  static constexpr std::string_view secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  compat_hook_test() {
    options.verified_hook_url = platform.url();
    options.verified_hook_secret = std::string(secret);
  }

  /// Scripts an approved check by phone for a verification whose SMS was delivered.
  verification_view script_approval() {
    auto view = make_view(phone, delivery_status::delivered, sid);
    view.attempts[0].via = channel::sms;
    view.verification.status = verification_status::approved;
    auto id = view.verification.id;
    engine->check_phone.answer_with([id](const phone_code_check&) {
      return answer(phone_check_result{id, {verification_status::approved, true, 5}});
    });
    engine->get.answer_with([view](const verification_query&) { return answer(view); });
    return view;
  }

  verity::test::http_result verify() {
    return post_public("/api/referrals/verify-code", R"({"phone": "+12015550123", "code": "1"})");
  }

  verity::test::platform_stub platform; // constructed before the fixture's SetUp reads its URL
};

TEST_F(compat_hook_test, the_platform_answer_is_merged_into_the_verify_answer) {
  auto view = script_approval();
  platform.answer_with(200, R"({"referralCode": "FIX-42", "referralLink": "https://fix.example/r/42",
                                "ok": false, "success": false, "verified": false})");
  auto verified = verify();
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_EQ(json_of(verified), (json{{"ok", true},
                                     {"success", true},
                                     {"verified", true},
                                     {"smsDelivered", true},
                                     {"whatsappDelivered", false},
                                     {"referralCode", "FIX-42"},
                                     {"referralLink", "https://fix.example/r/42"}}))
    << "the platform's members are added; the verdict is never replaced";

  auto calls = platform.wait_for(1, 5s);
  ASSERT_EQ(calls.size(), 1u);
  const auto& call = calls[0];
  EXPECT_EQ(call.method, "POST");
  auto body = nlohmann::json::parse(call.body);
  EXPECT_EQ(body["type"], "verification.approved");
  EXPECT_TRUE(body["timestamp"].is_string());
  EXPECT_EQ(body["data"], (json{{"verification_id", view.verification.id.to_string()},
                                {"phone", phone},
                                {"channel", "sms"}}));
  auto secrets = std::vector{webhook_secret::parse(secret).value()};
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_EQ(call.header("webhook-id"), "verified_" + view.verification.id.to_string());
  EXPECT_TRUE(verify_webhook(call.header("webhook-id"), call.header("webhook-timestamp"),
                             call.header("webhook-signature"), call.body, secrets, now))
    << "signed per the Standard Webhooks specification";
}

TEST_F(compat_hook_test, a_failing_platform_answers_502_and_the_same_code_may_ask_again) {
  script_approval();
  for (const auto& [status, body] : std::vector<std::pair<int, std::string>>{
         {500, R"({"error": "db down"})"}, {200, R"(["not", "an", "object"])"}, {200, "nope"}}) {
    platform.answer_with(status, body);
    auto refused = verify();
    EXPECT_EQ(refused.status, 502) << body;
    EXPECT_EQ(json_of(refused)["ok"], false) << body;
    EXPECT_TRUE(json_of(refused)["error"].is_string()) << body;
  }
  platform.answer_with(200, R"({"referralCode": "FIX-42"})");
  auto verified = verify();
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_EQ(json_of(verified)["referralCode"], "FIX-42");
  EXPECT_EQ(platform.wait_for(4, 5s).size(), 4u) << "each verify calls the hook again";
  EXPECT_EQ(engine->check_phone.received().size(), 4u);
}

TEST_F(compat_hook_test, a_platform_that_hangs_is_given_up_on) {
  script_approval();
  platform.hang();
  auto refused = verify();
  EXPECT_EQ(refused.status, 502) << refused.body;
  EXPECT_EQ(platform.wait_for(1, 5s).size(), 1u);
}

TEST_F(compat_hook_test, refused_checks_never_call_the_platform) {
  engine->check_phone.answer_with(
    [](const phone_code_check&) { return fail<phone_check_result>(ec::not_found); });
  EXPECT_EQ(verify().status, 400);
  auto id = make_view(phone, delivery_status::delivered).verification.id;
  engine->check_phone.answer_with([id](const phone_code_check&) {
    return answer(phone_check_result{id, {verification_status::pending, false, 4}});
  });
  EXPECT_EQ(verify().status, 400);
  EXPECT_TRUE(platform.wait_for(1, 200ms).empty());
}

} // namespace
} // namespace verity::net::test
