#include <map>
#include <mutex>

#include "net/api/simulated_phones.hpp"
#include "tests/net/api/api_fixture.hpp"

namespace verity::net::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* phone = "+12015550123";
constexpr const char* sid = "SM0123456789abcdef0123456789abcdef";
const std::vector<std::string> json_type{"Content-Type: application/json"};

/// Simulated phones holding the messages a test delivers. Thread-safe.
class fake_phones final : public simulated_phones {
public:
  /// Records `message` as delivered under Twilio SID `message_sid`.
  void deliver(const std::string& message_sid, simulated_message message) {
    std::lock_guard lock{mutex_};
    messages_[message_sid] = std::move(message);
  }

  std::optional<simulated_message> find(const std::string& message_sid) const override {
    std::lock_guard lock{mutex_};
    auto found = messages_.find(message_sid);
    return found == messages_.end() ? std::nullopt : std::optional{found->second};
  }

private:
  mutable std::mutex mutex_;
  std::map<std::string, simulated_message> messages_;
};

/// The demo page's API over scripted fake shards, with simulated phones.
class demo_routes_test : public api_fixture {
protected:
  demo_routes_test() { options.inbox = phones; }

  /// A POST of `body` as JSON, without API key.
  verity::test::http_result post(const std::string& path, const std::string& body) const {
    return call("POST", path, body, json_type);
  }

  /// Scripts `get` to answer a verification whose attempt reached `state` with `sid`.
  verification_view get_answers(delivery_status state) {
    auto view = make_view(phone, state, sid);
    engine->get.answer_with([view](const verification_query&) { return answer(view); });
    return view;
  }

  /// Starts `view`'s verification through the demo's own create route.
  void create_through_demo(const verification_view& view) {
    engine->start.answer_with([view](const verification_request&) { return answer(view); });
    auto created = post("/demo/api/verifications", R"({"to": "+1 201 555 0123"})");
    EXPECT_EQ(created.status, 201) << created.body;
  }

  /// What the simulated phones received.
  std::shared_ptr<fake_phones> phones = std::make_shared<fake_phones>();
};

TEST_F(demo_routes_test, create_runs_api_v1_without_an_api_key) {
  engine->start.answer_with([this](const verification_request& request) {
    return answer(make_view(request.phone, delivery_status::created));
  });
  auto created = post("/demo/api/verifications",
                      R"({"to": "+1 201 555 0123", "channel": "whatsapp", "fallback": "manual"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.headers["cache-control"], "no-store");
  auto body = json_of(created);
  EXPECT_EQ(body["to"], "+1******0123");
  EXPECT_EQ(body["delivery"]["state"], "sending");
  auto starts = engine->start.received();
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0].phone, phone);
  EXPECT_EQ(starts[0].preference, channel_preference::whatsapp);
  EXPECT_EQ(starts[0].fallback, fallback_policy::manual);

  auto invalid = post("/demo/api/verifications", R"({"to": "12"})");
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(json_of(invalid)["error"]["code"], "invalid_phone");
  EXPECT_EQ(call("POST", "/v1/verifications", R"({"to": "+12015550123"})", json_type).status, 401)
    << "API v1 still needs its key";
}

TEST_F(demo_routes_test, settings_give_the_delivery_deadline_the_page_counts_down) {
  auto answer = call("GET", "/demo/api/settings");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(json_of(answer), (nlohmann::json{{"delivery_timeout_ms", 10'000}}));
}

TEST_F(demo_routes_test, get_long_polls_from_the_state_the_page_saw) {
  auto view = get_answers(delivery_status::delivered);
  auto id = view.verification.id.to_string();
  auto polled = call("GET", "/demo/api/verifications/" + id + "?wait=2&seen=sent");
  ASSERT_EQ(polled.status, 200) << polled.body;
  EXPECT_EQ(json_of(polled)["delivery"]["state"], "delivered");
  auto gets = engine->get.received();
  ASSERT_FALSE(gets.empty());
  EXPECT_EQ(gets[0].id, view.verification.id);
  EXPECT_EQ(gets[0].seen, delivery_status::sent);
  EXPECT_GT(gets[0].wait, 0ms);
  EXPECT_EQ(call("GET", "/demo/api/verifications/" + id + "?wait=soon").status, 400);
}

TEST_F(demo_routes_test, resend_takes_the_chosen_channel) {
  auto view = make_view(phone, delivery_status::failed);
  engine->resend.answer_with([view](const resend_request&) { return answer(view); });
  auto id = view.verification.id.to_string();
  auto resent = post("/demo/api/verifications/" + id + "/resend", R"({"channel": "sms"})");
  ASSERT_EQ(resent.status, 201) << resent.body;
  auto received = engine->resend.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].via, channel::sms);
}

TEST_F(demo_routes_test, check_answers_attempts_left_lockout_and_expiry) {
  auto id = make_view(phone, delivery_status::delivered).verification.id.to_string();
  engine->check.answer_with([](const check_request& request) {
    if (request.code == "123456")
      return answer(check_result{verification_status::approved, true, 0});
    if (request.code == "000000")
      return fail<check_result>(ec::max_attempts_reached);
    if (request.code == "111111")
      return fail<check_result>(ec::not_found);
    return answer(check_result{verification_status::pending, false, 4});
  });
  auto path = "/demo/api/verifications/" + id + "/check";
  EXPECT_EQ(json_of(post(path, R"({"code": "123456"})")),
            (nlohmann::json{{"status", "approved"}, {"valid", true}}));
  EXPECT_EQ(json_of(post(path, R"({"code": "654321"})")),
            (nlohmann::json{{"status", "pending"}, {"valid", false}, {"attempts_left", 4}}));
  auto locked = post(path, R"({"code": "000000"})");
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(json_of(locked)["error"]["code"], "max_attempts_reached");
  EXPECT_EQ(post(path, R"({"code": "111111"})").status, 404);
}

TEST_F(demo_routes_test, shows_the_simulated_phone_only_once_delivered) {
  phones->deliver(sid, {true, "Your verification code is 123456."});
  auto view = get_answers(delivery_status::sent);
  create_through_demo(view);
  auto path = "/demo/api/verifications/" + view.verification.id.to_string() + "/simulated-message";
  auto pending = call("GET", path);
  EXPECT_EQ(pending.status, 404);
  EXPECT_EQ(json_of(pending)["error"]["code"], "not_found");

  get_answers(delivery_status::read);
  auto shown = call("GET", path);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.headers["cache-control"], "no-store");
  EXPECT_EQ(json_of(shown), (nlohmann::json{{"simulated", true},
                                            {"channel", "whatsapp"},
                                            {"text", "Your verification code is 123456."}}));
}

TEST_F(demo_routes_test, shows_no_simulated_message_of_a_verification_it_did_not_create) {
  phones->deliver(sid, {true, "Your verification code is 123456."});
  auto id = get_answers(delivery_status::delivered).verification.id.to_string();
  auto shown = call("GET", "/demo/api/verifications/" + id + "/simulated-message");
  EXPECT_EQ(shown.status, 404) << "an id from API v1 reveals no code: " << shown.body;
  EXPECT_EQ(json_of(shown)["error"]["code"], "not_found");
  EXPECT_EQ(shown.body.find("123456"), std::string::npos);
  EXPECT_EQ(call("GET", "/demo/api/verifications/" + id).status, 200)
    << "the rest of the demo API still reads it (it shows no code)";
}

/// The demo API with a tight per-address limit.
class demo_limit_test : public demo_routes_test {
protected:
  demo_limit_test() { options.ip_limit = {2, std::chrono::milliseconds{60'000}}; }
};

TEST_F(demo_limit_test, requests_beyond_the_ip_limit_get_429_with_retry_after) {
  auto id = get_answers(delivery_status::sent).verification.id.to_string();
  auto path = "/demo/api/verifications/" + id;
  EXPECT_EQ(call("GET", path).status, 200);
  EXPECT_EQ(call("GET", path).status, 200);
  auto limited = call("GET", path);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(json_of(limited)["error"]["code"], "rate_limited");
  EXPECT_FALSE(limited.headers["retry-after"].empty());
  EXPECT_EQ(call("GET", "/demo/").status, 200) << "the page's files are not limited";
}

/// Real Twilio: the demo runs without simulated phones.
class demo_real_twilio_test : public demo_routes_test {
protected:
  demo_real_twilio_test() { options.inbox = nullptr; }
};

TEST_F(demo_real_twilio_test, never_offers_a_simulated_message) {
  auto id = get_answers(delivery_status::delivered).verification.id.to_string();
  auto shown = call("GET", "/demo/api/verifications/" + id + "/simulated-message");
  EXPECT_EQ(shown.status, 404);
  EXPECT_EQ(json_of(shown)["error"]["message"], "No such route.");
}

/// VERITY_DEMO=false.
class demo_off_test : public demo_routes_test {
protected:
  demo_off_test() { options.demo = false; }
};

TEST_F(demo_off_test, serves_neither_the_page_nor_its_api) {
  EXPECT_EQ(call("GET", "/demo/").status, 404);
  EXPECT_EQ(call("GET", "/demo/demo.js").status, 404);
  EXPECT_EQ(post("/demo/api/verifications", R"({"to": "+12015550123"})").status, 404);
}

} // namespace
} // namespace verity::net::test
