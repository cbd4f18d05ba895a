// The simulator under concurrency: several I/O threads, many messages at once, callbacks over
// a few keep-alive connections, and the bound on its callback queue.

#include "net/sim/simulator.hpp"

#include <future>
#include <map>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/counting_server.hpp"
#include "tests/support/http_client.hpp"

namespace verity::net {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

constexpr const char* account_sid = "AC0123456789abcdef0123456789abcdef";
constexpr const char* good_auth =
  "Authorization: Basic QUMwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjpzaW0tdG9rZW4=";

twilio_simulator_settings settings(unsigned threads, callback_pool_limits limits) {
  twilio_simulator_settings s;
  s.account_sid = account_sid;
  s.auth_token = "sim-token";
  s.latency = {1ms, 1ms};
  s.seed = 11;
  s.threads = threads;
  s.callback_limits = limits;
  return s;
}

/// Posts a WhatsApp create to `to` with callbacks to `callback_url`.
test::http_result create(const twilio_simulator& simulator, const std::string& to,
                         const std::string& callback_url) {
  return test::http_call(
    "POST", simulator.base_url() + "/2010-04-01/Accounts/" + account_sid + "/Messages.json",
    encode_form({{"To", "whatsapp:" + to}, {"From", "whatsapp:+14155238886"},
                 {"Body", "Your code is 1234"}, {"StatusCallback", callback_url}}),
    {"Content-Type: application/x-www-form-urlencoded", good_auth});
}

/// How many callbacks each MessageSid got.
std::map<std::string, int> callbacks_by_sid(const std::vector<std::string>& bodies) {
  std::map<std::string, int> seen;
  for (const auto& body : bodies)
    if (auto form = parse_form(body))
      ++seen[std::string{find_param(*form, "MessageSid").value_or("?")}];
  return seen;
}

TEST(twilio_simulator_load, many_threads_deliver_every_callback_exactly_as_planned) {
  test::counting_server receiver{test::counting_mode::answer, 2};
  twilio_simulator simulator{settings(4, {.connections_per_host = 8})};
  simulator.start();
  // Normal numbers get sent, delivered, read (3); ...0007 gets each twice (6); ...0001 only sent.
  const std::map<std::string, int> expected_per_number{
    {"+12015551234", 3}, {"+12015550007", 6}, {"+12015550001", 1}};
  constexpr int per_sender = 40;
  std::vector<std::future<std::map<std::string, int>>> senders;
  for (int sender = 0; sender < 4; ++sender)
    senders.push_back(std::async(std::launch::async, [&] {
      std::map<std::string, int> expected; // by SID
      for (int i = 0; i < per_sender; ++i)
        for (const auto& [number, count] : expected_per_number) {
          auto created = create(simulator, number, receiver.url("/status"));
          EXPECT_EQ(created.status, 201) << created.body;
          expected[json::parse(created.body, nullptr, false).value("sid", "")] = count;
        }
      return expected;
    }));
  std::map<std::string, int> expected;
  for (auto& sender : senders)
    expected.merge(sender.get());
  std::size_t total = 0;
  for (const auto& [sid, count] : expected)
    total += static_cast<std::size_t>(count);
  ASSERT_EQ(total, 4U * per_sender * 10U);
  auto bodies = receiver.wait_for(total, 20s);
  // The receiver records a callback before answering it: wait for the simulator to see every
  // answer, which also leaves room for any callback too many.
  auto answered_by = std::chrono::steady_clock::now() + 10s;
  while (simulator.stats().callbacks.answered < total
         && std::chrono::steady_clock::now() < answered_by)
    std::this_thread::sleep_for(1ms);
  bodies = receiver.wait_for(total, 0ms);
  EXPECT_EQ(bodies.size(), total);
  EXPECT_EQ(callbacks_by_sid(bodies), expected);
  EXPECT_LE(receiver.connections(), 8U) << "callbacks reuse the pool's connections";
  auto stats = simulator.stats();
  EXPECT_EQ(stats.created, 4U * per_sender * 3U);
  EXPECT_EQ(stats.callbacks.answered, total);
  EXPECT_EQ(stats.callbacks.failed, 0U);
  EXPECT_EQ(stats.callbacks.connections, receiver.connections());
}

TEST(twilio_simulator_load, a_half_full_callback_queue_refuses_new_messages_with_429) {
  test::counting_server receiver{test::counting_mode::never_answer, 1};
  twilio_simulator simulator{settings(2, {.connections_per_host = 1, .max_queued = 4})};
  simulator.start();
  // The first callback holds the only connection, the next two fill half the queue. Each
  // create waits until its first callback is placed, so none slips in before the queue counts.
  std::vector<long> statuses;
  std::size_t accepted = 0;
  for (int i = 0; i < 20 && (statuses.empty() || statuses.back() != 429); ++i) {
    statuses.push_back(create(simulator, "+12015551234", receiver.url("/status")).status);
    if (statuses.back() != 201)
      continue;
    ++accepted;
    auto placed_by = std::chrono::steady_clock::now() + 10s;
    while (accepted == 1 ? receiver.wait_for(1, 1ms).empty()
                         : simulator.stats().callbacks.queued < accepted - 1) {
      ASSERT_LT(std::chrono::steady_clock::now(), placed_by) << "callback " << accepted;
      std::this_thread::sleep_for(1ms);
    }
  }
  ASSERT_EQ(statuses.back(), 429) << "never pushed back";
  auto refused = create(simulator, "+12015551234", receiver.url("/status"));
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(json::parse(refused.body, nullptr, false).value("code", 0), 20429);
  auto stats = simulator.stats();
  EXPECT_GE(stats.overloaded, 2U);
  EXPECT_EQ(stats.callbacks.queued, 2U);
  auto reported = test::http_call("GET", simulator.base_url() + "/sim/stats", "", {});
  ASSERT_EQ(reported.status, 200);
  auto body = json::parse(reported.body, nullptr, false);
  EXPECT_GE(body.value("overloaded", 0), 2);
  EXPECT_EQ(body["callbacks"].value("queued", -1), 2);
}

} // namespace
} // namespace verity::net
