#include "net/twilio/egress_actor.hpp"

#include <future>
#include <set>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <gtest/gtest.h>

#include "engine/error_classification.hpp"
#include "net/sim/simulator.hpp"
#include "net/twilio/client.hpp"
#include "net/http/curl_multi.hpp"
#include "tests/support/io_thread.hpp"

namespace verity::net {
namespace {

using namespace std::chrono_literals;

/// The egress actor in front of a real client talking to the simulator.
class egress_actor_test : public ::testing::Test {
protected:
  egress_actor_test() { simulator_.start(); }

  static twilio_simulator_settings sim_settings() {
    twilio_simulator_settings s;
    s.account_sid = "AC0123456789abcdef0123456789abcdef";
    s.auth_token = "egress-token";
    s.latency = {5ms, 0ms};
    s.mix.slow_delay = 30s; // far beyond any client timeout here
    s.mix.burst = 30s;      // a burst outlasts the test
    return s;
  }

  twilio_client_settings client_settings() const {
    twilio_client_settings s;
    s.account.api_base = simulator_.base_url();
    s.account.account_sid = "AC0123456789abcdef0123456789abcdef";
    s.account.auth_token = "egress-token";
    s.account.sms_from = "+12015550100";
    s.account.public_url = "http://127.0.0.1:9";
    return s;
  }

  /// Asks `egress` (default: the fixture's) to create an SMS to `to` and waits for its answer.
  create_result create(const std::string& to, const egress_actor* through = nullptr) {
    outbound_message message;
    message.id = message_id::generate();
    message.via = channel::sms;
    message.to = to;
    message.body = "Your code is 1234";
    create_result answer;
    caf::scoped_actor self{system_};
    self->request(through != nullptr ? *through : egress_, 10s, atom::create::value, message)
      .receive([&](const create_result& result) { answer = result; },
               [&](const caf::error& error) { ADD_FAILURE() << system_.render(error); });
    return answer;
  }

  twilio_simulator simulator_{sim_settings()};
  test::io_thread io_;
  curl_multi http_{io_.io()};
  twilio_client client_{io_.io(), http_, client_settings()};
  caf::actor_system_config config_;
  caf::actor_system system_{config_};
  egress_actor egress_ = spawn_egress(system_, client_);
};

TEST_F(egress_actor_test, answers_with_twilios_result) {
  auto created = create("+12015550123");
  EXPECT_EQ(created.http_status, 201) << created.error_message;
  EXPECT_EQ(created.sid.substr(0, 2), "SM");
  EXPECT_EQ(created.status, delivery_status::queued);

  auto invalid = create("+12015550005");
  EXPECT_EQ(invalid.http_status, 400);
  EXPECT_EQ(invalid.error_code, 21211U);

  auto throttled = create("+12015550006");
  EXPECT_EQ(throttled.http_status, 429);
  EXPECT_EQ(throttled.retry_after, 1s);
}

TEST_F(egress_actor_test, a_slow_twilio_times_out_as_retryable_without_blocking_others) {
  auto settings = client_settings();
  settings.total_timeout = 2s; // the simulator answers this To after 30 s
  twilio_client impatient{io_.io(), http_, settings};
  auto egress = spawn_egress(system_, impatient);
  auto slow = std::async(std::launch::async, [&] { return create("+12015550010", &egress); });
  auto quick = create("+12015550123", &egress);
  EXPECT_EQ(quick.http_status, 201) << quick.error_message;
  EXPECT_EQ(slow.wait_for(0s), std::future_status::timeout) << "answered while the slow one waits";

  auto timed_out = slow.get();
  EXPECT_EQ(timed_out.http_status, 0);
  EXPECT_NE(timed_out.error_message.find("timed out"), std::string::npos) << timed_out.error_message;
  EXPECT_TRUE(timed_out.sid.empty());
  EXPECT_EQ(classify_create_error(timed_out.http_status, timed_out.error_code),
            error_reaction::retry);
  EXPECT_EQ(simulator_.stats().created, 2U)
    << "Twilio did create the timed-out message: a retry sends the code a second time";
  caf::anon_send_exit(egress, caf::exit_reason::user_shutdown);
}

TEST_F(egress_actor_test, a_429_burst_is_retryable_and_says_when_to_retry) {
  auto opening = create("+12015550011");
  auto during = create("+12015550123");
  for (const auto& answer : {opening, during}) {
    EXPECT_EQ(answer.http_status, 429);
    EXPECT_EQ(answer.error_code, 20429U);
    EXPECT_EQ(answer.retry_after, 1s);
    EXPECT_EQ(classify_create_error(answer.http_status, answer.error_code), error_reaction::retry);
  }
}

TEST_F(egress_actor_test, many_requests_in_flight_each_get_their_own_answer) {
  caf::scoped_actor self{system_};
  constexpr int count = 50;
  for (int i = 0; i < count; ++i) {
    outbound_message message;
    message.id = message_id::generate();
    message.via = channel::sms;
    message.to = "+1201555" + std::to_string(1000 + i); // never a scenario number
    message.body = "x";
    self->send(egress_, atom::create::value, message);
  }
  std::set<std::string> sids;
  int received = 0;
  self->receive_for(received, count)(
    [&](const create_result& result) { sids.insert(result.sid); },
    caf::after(10s) >> [] { ADD_FAILURE() << "answers missing"; });
  EXPECT_EQ(sids.size(), static_cast<std::size_t>(count));
}

} // namespace
} // namespace verity::net
