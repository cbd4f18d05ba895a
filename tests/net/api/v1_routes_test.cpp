#include <future>
#include <thread>

#include "tests/net/api/v1_fixture.hpp"

namespace verity::net::test {
namespace {

using namespace std::chrono_literals;

TEST_F(api_v1_routes_test, create_answers_201_with_the_resource) {
  start_answers();
  auto result = post_json("/v1/verifications", R"({"to": "+1 201 555 0123"})");
  ASSERT_EQ(result.status, 201) << result.body;
  auto body = json_of(result);
  auto id = body["id"].get<std::string>();
  EXPECT_TRUE(id.starts_with("VE"));
  EXPECT_EQ(result.headers["location"], "/v1/verifications/" + id);
  EXPECT_EQ(body["to"], "+1******0123");
  EXPECT_EQ(body["status"], "pending");
  EXPECT_EQ(body["channel"], "whatsapp");
  EXPECT_EQ(body["expires_at"], "2026-01-01T00:15:00.000Z");
  EXPECT_EQ(body["delivery"]["state"], "sending");
  EXPECT_EQ(body["poll_url"], "/v1/verifications/" + id);
  ASSERT_EQ(body["attempts"].size(), 1u);
  auto attempt = body["attempts"][0];
  EXPECT_EQ(attempt["status"], "sending");
  EXPECT_EQ(attempt["timestamps"]["created"], "2026-01-01T00:00:00.000Z");
  EXPECT_TRUE(attempt["twilio_sid"].is_null());
  auto received = engine->start.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].phone, phone);
  EXPECT_EQ(received[0].preference, channel_preference::automatic);
  EXPECT_FALSE(received[0].fallback.has_value());
}

TEST_F(api_v1_routes_test, create_passes_the_options_on) {
  start_answers();
  auto result = post_json("/v1/verifications", R"({"to": "020 7946 0958", "country": "GB",
    "channel": "sms", "fallback": "none", "locale": "en-GB", "unknown": [1, 2]})");
  ASSERT_EQ(result.status, 201) << result.body;
  auto received = engine->start.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].phone, "+442079460958");
  EXPECT_EQ(received[0].preference, channel_preference::sms);
  EXPECT_EQ(received[0].fallback, fallback_policy::none);
  EXPECT_EQ(received[0].locale, "en-GB");
}

TEST_F(api_v1_routes_test, api_key_is_required_and_checked) {
  start_answers();
  auto body = R"({"to": "+12015550123"})";
  auto none = call("POST", "/v1/verifications", body, {"Content-Type: application/json"});
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(json_of(none)["error"]["code"], "unauthorized");
  EXPECT_EQ(none.headers["www-authenticate"], "Bearer");
  auto wrong = call("POST", "/v1/verifications", body,
                    {"Content-Type: application/json", "Authorization: Bearer test-key-3"});
  EXPECT_EQ(wrong.status, 401);
  auto second = call("POST", "/v1/verifications", body,
                     {"Content-Type: application/json", "Authorization: bearer test-key-2"});
  EXPECT_EQ(second.status, 201);
  engine->platform_stats.answer_with(
    [](const stats_query& query) { return answer(stats_report{query.days, {}, {}, {}}); });
  EXPECT_EQ(get("/v1/stats").status, 200);
  EXPECT_EQ(call("GET", "/v1/stats").status, 401);
  EXPECT_EQ(engine->start.received().size(), 1u);
}

TEST_F(api_v1_routes_test, invalid_phone_is_400_naming_the_field) {
  auto result = post_json("/v1/verifications", R"({"to": "12345"})");
  EXPECT_EQ(result.status, 400);
  auto body = json_of(result);
  EXPECT_EQ(body["error"]["code"], "invalid_phone");
  EXPECT_EQ(body["error"]["details"]["field"], "to");
  EXPECT_TRUE(engine->start.received().empty());
}

TEST_F(api_v1_routes_test, field_errors_name_the_field) {
  struct bad_body {
    const char* body;
    const char* field;
  };
  for (auto [text, field] : {bad_body{R"({})", "to"}, bad_body{R"({"to": 12015550123})", "to"},
                             bad_body{R"({"to": "+12015550123", "channel": "fax"})", "channel"},
                             bad_body{R"({"to": "+12015550123", "fallback": 1})", "fallback"},
                             bad_body{R"({"to": "+12015550123", "country": "USA"})", "country"},
                             bad_body{R"({"to": "+12015550123", "locale": "e n"})", "locale"}}) {
    auto result = post_json("/v1/verifications", text);
    EXPECT_EQ(result.status, 400) << text;
    auto body = json_of(result);
    EXPECT_EQ(body["error"]["code"], "invalid_request") << text;
    EXPECT_EQ(body["error"]["details"]["field"], field) << text;
  }
}

TEST_F(api_v1_routes_test, engine_errors_become_api_errors) {
  engine->start.answer_with([](const verification_request& request) {
    return request.phone == phone ? fail<verification_view>(ec::opted_out)
                                  : fail<verification_view>(ec::rate_limited, 2'500ms);
  });
  auto opted_out = post_json("/v1/verifications", R"({"to": "+12015550123"})");
  EXPECT_EQ(opted_out.status, 403);
  EXPECT_EQ(json_of(opted_out)["error"]["code"], "opted_out");
  auto limited = post_json("/v1/verifications", R"({"to": "+442079460958"})");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(json_of(limited)["error"]["code"], "rate_limited");
  EXPECT_EQ(limited.headers["retry-after"], "3");
}

TEST_F(api_v1_routes_test, get_answers_the_resource) {
  auto view = make_view(phone, delivery_status::delivered, "SM0123456789abcdef0123456789abcdef");
  get_answers(view);
  auto result = get("/v1/verifications/" + view.verification.id.to_string());
  ASSERT_EQ(result.status, 200) << result.body;
  auto body = json_of(result);
  EXPECT_EQ(body["delivery"]["state"], "delivered");
  EXPECT_EQ(body["delivery"]["twilio_sid"], "SM0123456789abcdef0123456789abcdef");
  EXPECT_EQ(body["attempts"][0]["delivery_ms"], 1500);
  EXPECT_EQ(body["attempts"][0]["timestamps"]["delivered"], "2026-01-01T00:00:01.500Z");
  auto received = engine->get.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].wait, 0ms);
  EXPECT_FALSE(received[0].seen.has_value());
}

TEST_F(api_v1_routes_test, long_poll_passes_wait_and_seen) {
  auto view = make_view(phone, delivery_status::queued);
  get_answers(view);
  auto id = view.verification.id.to_string();
  auto result = get("/v1/verifications/" + id + "?wait=2&seen=sending");
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(json_of(result)["delivery"]["state"], "queued");
  auto received = engine->get.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].id, view.verification.id);
  EXPECT_GT(received[0].wait, 1'500ms);
  EXPECT_LE(received[0].wait, 2'000ms);
  EXPECT_EQ(received[0].seen, delivery_status::created);
  get("/v1/verifications/" + id + "?wait=100&seen=delivered");
  received = engine->get.received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_LE(received[1].wait, 30'000ms);
  EXPECT_GT(received[1].wait, 29'000ms);
  EXPECT_EQ(received[1].seen, delivery_status::delivered);
}

TEST_F(api_v1_routes_test, long_poll_waits_through_created_to_twilio_sending) {
  auto sending = make_view(phone, delivery_status::sending);
  auto queued = sending;
  queued.attempts[0].delivery.merge({delivery_status::queued, timestamp{1'767'225'602'000ms}, 0});
  queued.attempts[0].delivery.merge({delivery_status::sent, timestamp{1'767'225'603'000ms}, 0});
  engine->get.answer_with([sending, queued](const verification_query& query) {
    return answer(query.seen == delivery_status::created ? sending : queued);
  });
  auto id = sending.verification.id.to_string();
  auto result = get("/v1/verifications/" + id + "?wait=5&seen=sending");
  ASSERT_EQ(result.status, 200);
  EXPECT_EQ(json_of(result)["delivery"]["state"], "sent");
  auto received = engine->get.received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[1].seen, delivery_status::sending);
}

TEST_F(api_v1_routes_test, long_poll_without_seen_waits_out_the_current_state) {
  auto created = make_view(phone, delivery_status::created);
  auto queued = make_view(phone, delivery_status::queued);
  queued.verification.id = created.verification.id;
  engine->get.answer_with([created, queued](const verification_query& query) {
    return answer(query.wait == 0ms ? created : queued);
  });
  auto result = get("/v1/verifications/" + created.verification.id.to_string() + "?wait=3");
  ASSERT_EQ(result.status, 200);
  EXPECT_EQ(json_of(result)["delivery"]["state"], "queued");
  auto received = engine->get.received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[1].seen, delivery_status::created);
}

TEST_F(api_v1_routes_test, actor_timeout_is_503_overloaded) {
  engine->get.answer_with([](const verification_query&) {
    return fake_reply<verification_view>{std::nullopt, ec::none, {}, true};
  });
  auto id = make_view(phone, delivery_status::created).verification.id.to_string();
  auto started = std::chrono::steady_clock::now();
  auto result = get("/v1/verifications/" + id + "?wait=1&seen=sending");
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(result.status, 503);
  EXPECT_EQ(json_of(result)["error"]["code"], "overloaded");
  EXPECT_EQ(result.headers["retry-after"], "1");
  EXPECT_GE(took, 1'400ms); // the wait plus the request timeout
  EXPECT_LT(took, 5s);
}

TEST_F(api_v1_routes_test, get_errors) {
  auto unknown = get("/v1/verifications/" + make_view(phone, delivery_status::created)
                                              .verification.id.to_string());
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(json_of(unknown)["error"]["code"], "not_found");
  auto malformed = get("/v1/verifications/VE123");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(json_of(malformed)["error"]["details"]["field"], "id");
  auto id = make_view(phone, delivery_status::created).verification.id.to_string();
  EXPECT_EQ(json_of(get("/v1/verifications/" + id + "?wait=soon"))["error"]["details"]["field"],
            "wait");
  EXPECT_EQ(json_of(get("/v1/verifications/" + id + "?seen=lost"))["error"]["details"]["field"],
            "seen");
  EXPECT_EQ(get("/v1/verifications/" + id + "?wait=%zz").status, 400);
}

TEST_F(api_v1_routes_test, resend_answers_201_with_the_new_attempt) {
  auto view = make_view(phone, delivery_status::failed);
  engine->resend.answer_with([view](const resend_request&) { return answer(view); });
  auto id = view.verification.id.to_string();
  auto result = post_json("/v1/verifications/" + id + "/resend", R"({"channel": "sms"})");
  ASSERT_EQ(result.status, 201) << result.body;
  EXPECT_EQ(json_of(result)["id"], id);
  auto received = engine->resend.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].id, view.verification.id);
  EXPECT_EQ(received[0].via, channel::sms);
  auto bad = post_json("/v1/verifications/" + id + "/resend", R"({"channel": "auto"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(json_of(bad)["error"]["details"]["field"], "channel");
  engine->resend.answer_with([](const resend_request&) {
    return fail<verification_view>(ec::rate_limited, 60'000ms);
  });
  auto limited = post_json("/v1/verifications/" + id + "/resend", R"({"channel": "sms"})");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.headers["retry-after"], "60");
}

TEST_F(api_v1_routes_test, check_answers_valid_and_invalid_codes) {
  auto id = make_view(phone, delivery_status::delivered).verification.id;
  engine->check.answer_with([](const check_request& request) {
    if (request.code == "123456")
      return answer(check_result{verification_status::approved, true, 0});
    if (request.code == "000000")
      return fail<check_result>(ec::max_attempts_reached);
    return answer(check_result{verification_status::pending, false, 3});
  });
  auto path = "/v1/verifications/" + id.to_string() + "/check";
  auto valid = post_json(path, R"({"code": "123456"})");
  ASSERT_EQ(valid.status, 200) << valid.body;
  EXPECT_EQ(json_of(valid), (nlohmann::json{{"status", "approved"}, {"valid", true}}));
  auto wrong = json_of(post_json(path, R"({"code": "654321"})"));
  EXPECT_EQ(wrong, (nlohmann::json{{"status", "pending"}, {"valid", false}, {"attempts_left", 3}}));
  auto locked = post_json(path, R"({"code": "000000"})");
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(json_of(locked)["error"]["code"], "max_attempts_reached");
  EXPECT_EQ(json_of(post_json(path, R"({"code": 123456})"))["error"]["details"]["field"], "code");
  auto received = engine->check.received();
  ASSERT_EQ(received.size(), 3u);
  EXPECT_EQ(received[0].id, id);
  engine->check.answer_with([](const check_request&) { return fail<check_result>(ec::not_found); });
  EXPECT_EQ(post_json(path, R"({"code": "123456"})").status, 404);
}

TEST_F(api_v1_routes_test, every_check_after_the_lock_answers_429_and_ended_ones_404) {
  auto id = make_view(phone, delivery_status::delivered).verification.id;
  auto path = "/v1/verifications/" + id.to_string() + "/check";
  engine->check.answer_with(
    [](const check_request&) { return fail<check_result>(ec::max_attempts_reached); });
  for (const char* code : {R"({"code": "123456"})", R"({"code": "000000"})"}) {
    auto locked = post_json(path, code);
    EXPECT_EQ(locked.status, 429) << locked.body;
    EXPECT_EQ(json_of(locked)["error"]["code"], "max_attempts_reached");
    EXPECT_FALSE(locked.headers.contains("retry-after")) << "waiting does not unlock it";
  }
}

TEST_F(api_v1_routes_test, cancel_answers_the_canceled_verification) {
  auto view = make_view(phone, delivery_status::queued);
  view.verification.status = verification_status::canceled;
  auto id = view.verification.id;
  engine->cancel.answer_with([view](const verification_id&) { return answer(view); });
  auto path = "/v1/verifications/" + id.to_string() + "/cancel";
  for (int i = 0; i < 2; ++i) { // idempotent: the second answers the same
    auto canceled = call("POST", path, "", {"Authorization: Bearer test-key-1"});
    ASSERT_EQ(canceled.status, 200) << canceled.body;
    EXPECT_EQ(json_of(canceled)["status"], "canceled");
    EXPECT_EQ(json_of(canceled)["id"], id.to_string());
  }
  auto received = engine->cancel.received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0], id);
  EXPECT_EQ(call("POST", path).status, 401);
}

TEST_F(api_v1_routes_test, cancel_refuses_approved_with_409_and_unknown_with_404) {
  auto id = make_view(phone, delivery_status::delivered).verification.id;
  auto path = "/v1/verifications/" + id.to_string() + "/cancel";
  engine->cancel.answer_with(
    [](const verification_id&) { return fail<verification_view>(ec::invalid_request); });
  auto approved = post_json(path, "{}");
  EXPECT_EQ(approved.status, 409) << approved.body;
  EXPECT_EQ(json_of(approved)["error"]["code"], "invalid_request");
  engine->cancel.answer_with(
    [](const verification_id&) { return fail<verification_view>(ec::not_found); });
  auto unknown = post_json(path, "{}");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(json_of(unknown)["error"]["code"], "not_found");
  EXPECT_EQ(post_json("/v1/verifications/not-an-id/cancel", "{}").status, 400);
}

TEST_F(api_v1_routes_test, locale_is_accepted_only_for_the_language_messages_are_written_in) {
  start_answers();
  for (const char* locale : {"en", "en-GB", "EN-us", "en-001"}) {
    auto result = post_json("/v1/verifications", std::string(R"({"to": "+12015550123", "locale": ")")
                                                   + locale + "\"}");
    EXPECT_EQ(result.status, 201) << locale << ": " << result.body;
  }
  for (const char* locale : {"de", "fr-FR", "es", "eng", "en-", "en_GB", "en-Latn-GB", ""}) {
    auto result = post_json("/v1/verifications", std::string(R"({"to": "+12015550123", "locale": ")")
                                                   + locale + "\"}");
    EXPECT_EQ(result.status, 400) << locale;
    auto body = json_of(result);
    EXPECT_EQ(body["error"]["code"], "invalid_request") << locale;
    EXPECT_EQ(body["error"]["details"]["field"], "locale") << locale;
    EXPECT_NE(body["error"]["message"].get<std::string>().find("\"en\""), std::string::npos)
      << "the message names the supported value";
  }
  EXPECT_EQ(engine->start.received().size(), 4u) << "a refused locale reached the engine";
}

TEST_F(api_v1_routes_test, routing_reaches_the_owning_shard) {
  // The fake shards answer 400 when a request reaches the wrong one.
  start_answers();
  for (const char* to : {"+12015550123", "+442079460958", "+4915123456789", "+919876543210"}) {
    auto result = post_json("/v1/verifications", std::string(R"({"to": ")") + to + "\"}");
    EXPECT_EQ(result.status, 201) << to << ": " << result.body;
    auto id = json_of(result)["id"].get<std::string>();
    get_answers(make_view(to, delivery_status::queued));
    EXPECT_EQ(get("/v1/verifications/" + id).status, 200) << to;
  }
}

TEST_F(api_v1_routes_test, concurrent_clients_are_all_answered) {
  start_answers();
  std::vector<std::future<int>> clients;
  for (int i = 0; i < 8; ++i)
    clients.push_back(std::async(std::launch::async, [this] {
      int created = 0;
      for (int j = 0; j < 25; ++j)
        created += post_json("/v1/verifications", R"({"to": "+12015550123"})").status == 201;
      return created;
    }));
  int total = 0;
  for (auto& client : clients)
    total += client.get();
  EXPECT_EQ(total, 200);
  EXPECT_EQ(engine->start.received().size(), 200u);
}

/// API v1 with the in-flight cap at one request.
class api_v1_overload_test : public api_fixture {
protected:
  api_v1_overload_test() { options.limits.max_in_flight = 1; }
};

TEST_F(api_v1_overload_test, requests_over_the_cap_get_503_at_once) {
  engine->get.answer_with([](const verification_query&) {
    return fake_reply<verification_view>{std::nullopt, ec::none, {}, true};
  });
  auto id = make_view(phone, delivery_status::created).verification.id.to_string();
  auto held = std::async(std::launch::async, [&] { return get("/v1/verifications/" + id); });
  for (int i = 0; i < 200 && engine->get.received().empty(); ++i)
    std::this_thread::sleep_for(10ms);
  ASSERT_EQ(engine->get.received().size(), 1u);
  auto refused = get("/v1/verifications/" + id);
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(json_of(refused)["error"]["code"], "overloaded");
  EXPECT_EQ(refused.headers["retry-after"], "1");
  EXPECT_EQ(engine->get.received().size(), 1u);
  EXPECT_EQ(held.get().status, 503); // the held one timed out
  EXPECT_EQ(get("/v1/verifications/" + id).status, 503); // timed out again, but admitted
  EXPECT_EQ(engine->get.received().size(), 2u);
}

/// API v1 without configured keys.
class api_v1_unconfigured_test : public api_fixture {
protected:
  api_v1_unconfigured_test() { options.with_api_keys = false; }
};

TEST_F(api_v1_unconfigured_test, every_request_is_401_without_keys) {
  auto result = post_json("/v1/verifications", R"({"to": "+12015550123"})");
  EXPECT_EQ(result.status, 401);
  EXPECT_EQ(json_of(result)["error"]["code"], "unauthorized");
  EXPECT_EQ(call("GET", "/v1/verifications/x", {}, {"Authorization: Bearer "}).status, 401);
}

} // namespace
} // namespace verity::net::test
