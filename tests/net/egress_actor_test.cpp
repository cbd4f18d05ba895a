#include "net/egress_actor.hpp"

#include <set>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <gtest/gtest.h>

#include "net/curl_multi.hpp"
#include "net/twilio_client.hpp"
#include "net/twilio_simulator.hpp"
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

  /// Asks the actor to create an SMS to `to` and waits for its answer.
  create_result create(const std::string& to) {
    outbound_message message;
    message.id = message_id::generate();
    message.via = channel::sms;
    message.to = to;
    message.body = "Your code is 1234";
    create_result answer;
    caf::scoped_actor self{system_};
    self->request(egress_, 10s, atom::create::value, message)
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
