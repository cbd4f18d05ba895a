#include "net/twilio/client.hpp"

#include <condition_variable>
#include <mutex>

#include <gtest/gtest.h>

#include "engine/error_classification.hpp"
#include "net/api/router.hpp"
#include "net/http/curl_multi.hpp"
#include "tests/support/collector.hpp"
#include "tests/support/io_thread.hpp"
#include "tests/support/refusing_port.hpp"
#include "tests/support/request_recorder.hpp"

namespace verity::net {
namespace {

using namespace std::chrono_literals;

constexpr const char* account_sid = "AC0123456789abcdef0123456789abcdef";
constexpr const char* messages_path =
  "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json";
constexpr const char* created_body =
  R"({"sid":"SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","status":"queued","direction":"outbound-api"})";

using results = test::collector<create_result>;

/// A fake Twilio that records each create request and answers it as told (or holds it), and
/// a client pointed at it.
class twilio_client_test : public ::testing::Test {
protected:
  twilio_client_test() {
    routes_.add("POST", messages_path, [this](const http_request& request, responder respond) {
      recorder_.record(request);
      std::lock_guard lock{mutex_};
      if (hold_)
        held_.push_back(std::move(respond));
      else
        respond(answer_);
    });
  }

  ~twilio_client_test() override {
    client_.reset();
    release_held();
  }

  twilio_client_settings settings() const {
    twilio_client_settings s;
    s.account.api_base = server_.url("");
    s.account.account_sid = account_sid;
    s.account.auth_token = "token-1";
    s.account.sms_from = "+12015550100";
    s.account.whatsapp_from = "+14155238886";
    s.account.whatsapp_template_sid = "HX0123456789abcdef0123456789abcdef";
    s.account.public_url = "https://verity.example";
    return s;
  }

  void start(twilio_client_settings s) {
    client_ = std::make_unique<twilio_client>(client_io_.io(), http_, std::move(s));
  }

  static outbound_message message(channel via, std::string to = "+12015550123") {
    outbound_message m;
    m.id = message_id::generate();
    m.via = via;
    m.to = std::move(to);
    m.body = "Your code is 409173";
    m.code = "409173";
    return m;
  }

  void release_held() {
    std::vector<responder> held;
    {
      std::lock_guard lock{mutex_};
      hold_ = false;
      held.swap(held_);
    }
    for (auto& respond : held)
      respond(answer_);
  }

  /// The one recorded request's form fields, in body order.
  form_params only_form() {
    auto requests = recorder_.wait_for(1, 10s);
    EXPECT_EQ(requests.size(), 1U);
    auto params = parse_form(requests.at(0).body);
    EXPECT_TRUE(params) << params.error();
    return params.value_or(form_params{});
  }

  router routes_;
  test::request_recorder recorder_;
  std::mutex mutex_;
  bool hold_ = false;
  std::vector<responder> held_;
  http_response answer_{201, "application/json", created_body, {}};
  test::test_server server_{routes_};
  test::io_thread client_io_;
  curl_multi http_{client_io_.io()};
  std::unique_ptr<twilio_client> client_;
};

TEST_F(twilio_client_test, sms_request_is_createmessage_as_specified) {
  start(settings());
  results done;
  auto sms = message(channel::sms);
  client_->create(sms, done.add());
  auto answers = done.wait_for(1, 10s);
  ASSERT_EQ(answers.size(), 1U);
  EXPECT_EQ(answers[0].http_status, 201);
  EXPECT_EQ(answers[0].sid, "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  EXPECT_EQ(answers[0].status, delivery_status::queued);

  auto request = recorder_.received().at(0);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, messages_path);
  EXPECT_EQ(request.header("Authorization"),
            "Basic QUMwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjp0b2tlbi0x");
  EXPECT_EQ(request.header("Accept"), "application/json");
  EXPECT_EQ(request.header("Content-Type"), "application/x-www-form-urlencoded");
  form_params expected{
    {"To", "+12015550123"},
    {"From", "+12015550100"},
    {"Body", "Your code is 409173"},
    {"StatusCallback",
     "https://verity.example/v1/webhooks/twilio/status?message_id=" + sms.id.to_string()}};
  EXPECT_EQ(only_form(), expected);
}

TEST_F(twilio_client_test, whatsapp_prefixes_to_and_from) {
  start(settings());
  results done;
  client_->create(message(channel::whatsapp), done.add());
  auto form = only_form();
  EXPECT_EQ(find_param(form, "To"), "whatsapp:+12015550123");
  EXPECT_EQ(find_param(form, "From"), "whatsapp:+14155238886");
  EXPECT_EQ(find_param(form, "Body"), "Your code is 409173");
  EXPECT_EQ(done.wait_for(1, 10s).size(), 1U);
}

TEST_F(twilio_client_test, template_mode_sends_content_sid_and_variables_instead_of_body) {
  start(settings());
  results done;
  auto templated = message(channel::whatsapp);
  templated.as_template = true;
  client_->create(templated, done.add());
  auto form = only_form();
  EXPECT_EQ(find_param(form, "ContentSid"), "HX0123456789abcdef0123456789abcdef");
  EXPECT_EQ(find_param(form, "ContentVariables"), R"({"1":"409173"})");
  EXPECT_FALSE(find_param(form, "Body"));
  EXPECT_EQ(find_param(form, "To"), "whatsapp:+12015550123");
  EXPECT_EQ(done.wait_for(1, 10s).size(), 1U);
}

TEST_F(twilio_client_test, messaging_service_replaces_from) {
  auto s = settings();
  s.account.messaging_service_sid = "MG0123456789abcdef0123456789abcdef";
  start(s);
  answer_.body = R"({"sid":"SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","status":"accepted"})";
  results done;
  client_->create(message(channel::sms), done.add());
  auto form = only_form();
  EXPECT_EQ(find_param(form, "MessagingServiceSid"), "MG0123456789abcdef0123456789abcdef");
  EXPECT_FALSE(find_param(form, "From"));
  auto answers = done.wait_for(1, 10s);
  ASSERT_EQ(answers.size(), 1U);
  EXPECT_EQ(answers[0].status, delivery_status::accepted);
}

TEST_F(twilio_client_test, a_message_without_sender_or_template_is_refused_at_once) {
  auto s = settings();
  s.account.whatsapp_from.clear();
  s.account.whatsapp_template_sid.clear();
  start(s);
  results done;
  client_->create(message(channel::whatsapp), done.add());
  auto templated = message(channel::sms);
  templated.as_template = true;
  client_->create(templated, done.add());
  auto answers = done.wait_for(2, 10s);
  ASSERT_EQ(answers.size(), 2U);
  for (const auto& answer : answers) {
    EXPECT_EQ(answer.http_status, 400);
    EXPECT_EQ(classify_create_error(answer.http_status, answer.error_code), error_reaction::fail);
  }
  EXPECT_NE(answers[0].error_message.find("TWILIO_WHATSAPP_NUMBER"), std::string::npos);
  EXPECT_NE(answers[1].error_message.find("TWILIO_WHATSAPP_TEMPLATE_SID"), std::string::npos);
  EXPECT_TRUE(recorder_.received().empty());
}

TEST_F(twilio_client_test, reads_429_with_retry_after) {
  start(settings());
  answer_ = {429, "application/json",
             R"({"code":20429,"message":"Too Many Requests","more_info":"x","status":429})",
             {{"Retry-After", "2"}}};
  results done;
  client_->create(message(channel::sms), done.add());
  auto answers = done.wait_for(1, 10s);
  ASSERT_EQ(answers.size(), 1U);
  EXPECT_EQ(answers[0].http_status, 429);
  EXPECT_EQ(answers[0].error_code, 20429U);
  EXPECT_EQ(answers[0].retry_after, 2s);
  EXPECT_FALSE(answers[0].created());
}

TEST_F(twilio_client_test, transport_failure_gives_status_0_and_curls_message) {
  auto s = settings();
  test::refusing_port closed;
  s.account.api_base = closed.url();
  start(s);
  results done;
  client_->create(message(channel::sms), done.add());
  auto answers = done.wait_for(1, 10s);
  ASSERT_EQ(answers.size(), 1U);
  EXPECT_EQ(answers[0].http_status, 0);
  EXPECT_FALSE(answers[0].error_message.empty());
  EXPECT_EQ(classify_create_error(0, 0), error_reaction::retry);
}

TEST_F(twilio_client_test, paces_a_sender_to_its_rate) {
  auto s = settings();
  s.limits.paces[whatsapp_sandbox_sender] = pace{20, 1}; // one per 50 ms, for a fast test
  start(s);
  results done;
  constexpr std::size_t count = 5;
  auto before = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < count; ++i)
    client_->create(message(channel::whatsapp), done.add());
  ASSERT_EQ(done.wait_for(count, 10s).size(), count);
  auto arrivals = recorder_.arrival_times();
  ASSERT_EQ(arrivals.size(), count);
  // The first request takes the burst's one token and each next one waits 50 ms for its own,
  // so the last cannot arrive sooner than this after the creates; a slow delivery only adds.
  // The exact rate is egress_pacer_test's, in virtual time.
  EXPECT_GE(arrivals.back() - before, (count - 1) * 50ms);
}

TEST_F(twilio_client_test, the_sandbox_sender_does_not_hold_up_other_senders) {
  start(settings()); // the sandbox's real pace: 1 message per 3 s
  results done;
  client_->create(message(channel::whatsapp), done.add());
  client_->create(message(channel::whatsapp), done.add());
  for (int i = 0; i < 3; ++i)
    client_->create(message(channel::sms), done.add());
  EXPECT_EQ(done.wait_for(4, 10s).size(), 4U);
  EXPECT_EQ(done.wait_for(5, 300ms).size(), 4U) << "the second sandbox message waits ~3 s";
  auto requests = recorder_.received();
  auto whatsapp = std::count_if(requests.begin(), requests.end(), [](const http_request& r) {
    return r.body.find("whatsapp") != std::string::npos;
  });
  EXPECT_EQ(whatsapp, 1);
}

TEST_F(twilio_client_test, a_create_withdrawn_from_the_queue_never_reaches_twilio) {
  start(settings()); // the sandbox's real pace: 1 message per 3 s
  results done;
  test::collector<not_sent_reason> withdrawals;
  auto first = message(channel::whatsapp);
  auto second = message(channel::whatsapp);
  client_->create(first, done.add());
  client_->create(second, done.add());
  client_->withdraw(second.id, withdrawals.add()); // still waiting for its sender's pace
  auto answers = done.wait_for(2, 10s);
  ASSERT_EQ(answers.size(), 2U);
  auto withdrawn = std::count_if(answers.begin(), answers.end(),
                                 [](const create_result& r) { return r.withdrawn; });
  EXPECT_EQ(withdrawn, 1);
  auto held = withdrawals.wait_for(1, 10s);
  ASSERT_EQ(held.size(), 1U);
  EXPECT_EQ(held[0], not_sent_reason::sender_rate);
  client_->withdraw(first.id, withdrawals.add()); // answered already: nothing to withdraw
  held = withdrawals.wait_for(2, 10s);
  ASSERT_EQ(held.size(), 2U);
  EXPECT_EQ(held[1], not_sent_reason::none);
  EXPECT_EQ(recorder_.wait_for(2, 3500ms).size(), 1U) << "the withdrawn create was sent";
}

TEST_F(twilio_client_test, requests_arriving_together_are_on_the_wire_together) {
  start(settings());
  hold_ = true;
  results done;
  constexpr std::size_t count = 10;
  for (std::size_t i = 0; i < count; ++i)
    client_->create(message(channel::sms), done.add());
  EXPECT_EQ(recorder_.wait_for(count, 10s).size(), count) << "none waits for another's answer";
  release_held();
  EXPECT_EQ(done.wait_for(count, 10s).size(), count);
}

TEST_F(twilio_client_test, a_full_queue_answers_overload_at_once) {
  auto s = settings();
  s.limits.max_in_flight = 1;
  s.limits.max_queued = 2;
  start(s);
  hold_ = true;
  results done;
  for (int i = 0; i < 4; ++i)
    client_->create(message(channel::sms), done.add());
  auto answers = done.wait_for(1, 10s);
  ASSERT_EQ(answers.size(), 1U);
  EXPECT_EQ(answers[0].http_status, 0);
  EXPECT_EQ(answers[0].error_message, "egress queue full");
  EXPECT_EQ(classify_create_error(answers[0].http_status, answers[0].error_code),
            error_reaction::retry);
  EXPECT_EQ(recorder_.wait_for(1, 10s).size(), 1U);
  release_held(); // later requests are answered at once
  answers = done.wait_for(4, 10s);
  ASSERT_EQ(answers.size(), 4U);
  EXPECT_EQ(std::count_if(answers.begin(), answers.end(),
                          [](const create_result& r) { return r.created(); }),
            3);
}

} // namespace
} // namespace verity::net
