#include "engine/twilio_signature.hpp"
#include "tests/net/api/api_fixture.hpp"

namespace verity::net::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* phone = "+12015550123";
constexpr const char* sid = "SM0123456789abcdef0123456789abcdef";

/// The Twilio webhooks over scripted fake shards and storage.
class webhook_routes_test : public api_fixture {
protected:
  webhook_routes_test() : message(message_id_for(phone)) {}

  void SetUp() override {
    api_fixture::SetUp();
    engine->status.answer_with([](const status_callback&) { return answer(acknowledged{}); });
    engine->inbound.answer_with([](const inbound_message&) { return answer(acknowledged{}); });
  }

  /// The callback URL the egress sets for `message`.
  std::string status_target() const {
    return "/v1/webhooks/twilio/status?message_id=" + message.to_string();
  }

  static form_params callback(const std::string& status, const std::string& error_code = {}) {
    form_params params{{"AccountSid", "AC" + std::string(32, '1')},
                       {"MessageSid", sid},
                       {"SmsSid", sid},
                       {"MessageStatus", status},
                       {"To", "whatsapp:+12015550123"},
                       {"ApiVersion", "2010-04-01"}};
    if (!error_code.empty())
      params.emplace_back("ErrorCode", error_code);
    return params;
  }

  static form_params inbound(const std::string& from, const std::string& body) {
    return {{"MessageSid", sid}, {"From", from}, {"To", "+14155238886"}, {"Body", body}};
  }

  message_id message;
};

TEST_F(webhook_routes_test, status_callback_reaches_the_message_owner) {
  auto result = post_signed(status_target(), callback("delivered"));
  ASSERT_EQ(result.status, 200) << result.body;
  auto received = engine->status.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].message, message);
  EXPECT_EQ(received[0].phone, phone);
  EXPECT_EQ(received[0].twilio_sid, sid);
  EXPECT_EQ(received[0].status, delivery_status::delivered);
  EXPECT_EQ(received[0].error_code, 0u);
  EXPECT_GT(received[0].at.time_since_epoch().count(), 0);
}

TEST_F(webhook_routes_test, failure_carries_the_error_code) {
  ASSERT_EQ(post_signed(status_target(), callback("undelivered", "30003")).status, 200);
  auto received = engine->status.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].status, delivery_status::undelivered);
  EXPECT_EQ(received[0].error_code, 30003u);
}

TEST_F(webhook_routes_test, signature_missing_is_400_and_wrong_is_403) {
  auto body = encode_form(callback("delivered"));
  auto missing = call("POST", status_target(), body,
                      {"Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(json_of(missing)["error"]["code"], "invalid_request");
  auto wrong = call("POST", status_target(), body,
                    {"Content-Type: application/x-www-form-urlencoded",
                     "X-Twilio-Signature: bm90IGEgc2lnbmF0dXJl"});
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(json_of(wrong)["error"]["code"], "invalid_signature");
  EXPECT_EQ(post_signed(status_target(), callback("delivered"), "another-token").status, 403);
  auto other_url = compute_twilio_signature(current_token, "https://elsewhere.example" + status_target(),
                                            callback("delivered"));
  EXPECT_EQ(call("POST", status_target(), body,
                 {"Content-Type: application/x-www-form-urlencoded", "X-Twilio-Signature: " + other_url})
              .status,
            403);
  EXPECT_TRUE(engine->status.received().empty());
}

TEST_F(webhook_routes_test, previous_token_is_accepted_during_rotation) {
  EXPECT_EQ(post_signed(status_target(), callback("sent"), previous_token).status, 200);
  EXPECT_EQ(engine->status.received().size(), 1u);
}

TEST_F(webhook_routes_test, tampered_parameters_are_403) {
  auto params = callback("delivered");
  auto signature = compute_twilio_signature(current_token, std::string(public_url) + status_target(),
                                            params);
  params[3].second = "read";
  auto result = call("POST", status_target(), encode_form(params),
                     {"Content-Type: application/x-www-form-urlencoded",
                      "X-Twilio-Signature: " + signature});
  EXPECT_EQ(result.status, 403);
}

TEST_F(webhook_routes_test, callback_for_an_invalid_recipient_is_ignored) {
  auto params = callback("delivered");
  params[4].second = "whatsapp:12";
  EXPECT_EQ(post_signed(status_target(), params).status, 200);
  EXPECT_TRUE(engine->status.received().empty());
}

TEST_F(webhook_routes_test, form_content_type_is_required) {
  auto result = call("POST", status_target(), R"({"MessageStatus": "delivered"})",
                     {"Content-Type: application/json", "X-Twilio-Signature: x"});
  EXPECT_EQ(result.status, 415);
  EXPECT_EQ(json_of(result)["error"]["code"], "unsupported_media_type");
}

TEST_F(webhook_routes_test, unknown_statuses_are_answered_and_ignored) {
  for (const char* status : {"received", "bogus", "timed_out", "created", ""})
    EXPECT_EQ(post_signed(status_target(), callback(status)).status, 200) << status;
  EXPECT_TRUE(engine->status.received().empty());
}

TEST_F(webhook_routes_test, callback_without_message_id_is_found_by_sid) {
  engine->lookup.answer_with([this](const std::string& looked_up) {
    return looked_up == sid ? answer(message) : fail<message_id>(ec::not_found);
  });
  EXPECT_EQ(post_signed("/v1/webhooks/twilio/status", callback("read")).status, 200);
  EXPECT_EQ(post_signed("/api/referrals/sms-status-callback", callback("delivered")).status, 200);
  auto received = engine->status.received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].message, message);
  EXPECT_EQ(received[0].status, delivery_status::read);
  EXPECT_EQ(received[1].status, delivery_status::delivered);
  auto unknown = callback("delivered");
  unknown[1].second = "SM" + std::string(32, 'e');
  EXPECT_EQ(post_signed("/v1/webhooks/twilio/status", unknown).status, 200);
  EXPECT_EQ(engine->status.received().size(), 2u);
}

TEST_F(webhook_routes_test, answer_waits_for_the_engine) {
  engine->status.answer_with([](const status_callback&) { return fail<acknowledged>(ec::not_found); });
  EXPECT_EQ(post_signed(status_target(), callback("delivered")).status, 200);
  engine->status.answer_with([](const status_callback&) {
    return fail<acknowledged>(ec::storage_failed);
  });
  auto failed = post_signed(status_target(), callback("delivered"));
  EXPECT_EQ(failed.status, 500);
  EXPECT_EQ(json_of(failed)["error"]["code"], "internal");
  engine->status.answer_with([](const status_callback&) {
    return fake_reply<acknowledged>{std::nullopt, ec::none, {}, true};
  });
  auto silent = post_signed(status_target(), callback("delivered"));
  EXPECT_EQ(silent.status, 503);
  EXPECT_EQ(json_of(silent)["error"]["code"], "overloaded");
}

TEST_F(webhook_routes_test, stop_keyword_opts_the_sender_out) {
  auto result = post_signed("/v1/webhooks/twilio/inbound", inbound(phone, "  stop \n"));
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.body, "<Response/>");
  EXPECT_EQ(result.headers["content-type"], "text/xml");
  auto received = engine->inbound.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].phone, phone);
  EXPECT_EQ(received[0].action, inbound_action::opt_out);
  EXPECT_FALSE(received[0].whatsapp);
}

TEST_F(webhook_routes_test, keywords_map_to_actions) {
  struct keyword {
    const char* body;
    inbound_action action;
  };
  for (auto [body, action] :
       {keyword{"STOPALL", inbound_action::opt_out}, keyword{"Unsubscribe", inbound_action::opt_out},
        keyword{"cancel", inbound_action::opt_out}, keyword{"END", inbound_action::opt_out},
        keyword{"quit", inbound_action::opt_out}, keyword{"START", inbound_action::opt_in},
        keyword{"unstop", inbound_action::opt_in}, keyword{" Yes", inbound_action::opt_in},
        keyword{"stop please", inbound_action::none}, keyword{"", inbound_action::none}}) {
    ASSERT_EQ(post_signed("/v1/webhooks/twilio/inbound", inbound(phone, body)).status, 200);
    EXPECT_EQ(engine->inbound.received().back().action, action) << body;
  }
}

TEST_F(webhook_routes_test, whatsapp_sender_opens_the_window) {
  ASSERT_EQ(post_signed("/v1/webhooks/twilio/inbound", inbound("whatsapp:+12015550123", "hi")).status,
            200);
  auto received = engine->inbound.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_TRUE(received[0].whatsapp);
  EXPECT_EQ(received[0].phone, phone);
  EXPECT_EQ(received[0].action, inbound_action::none);
}

TEST_F(webhook_routes_test, inbound_from_an_invalid_number_is_ignored) {
  auto result = post_signed("/v1/webhooks/twilio/inbound", inbound("12345", "STOP"));
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, "<Response/>");
  EXPECT_TRUE(engine->inbound.received().empty());
}

TEST_F(webhook_routes_test, malformed_form_is_400) {
  auto result = call("POST", "/v1/webhooks/twilio/inbound", "From=%zz",
                     {"Content-Type: application/x-www-form-urlencoded", "X-Twilio-Signature: x"});
  EXPECT_EQ(result.status, 400);
  EXPECT_EQ(json_of(result)["error"]["code"], "invalid_request");
}

} // namespace
} // namespace verity::net::test
