#include "net/sim/callback_pool.hpp"

#include <future>

#include <gtest/gtest.h>

#include "tests/support/collector.hpp"
#include "tests/support/counting_server.hpp"
#include "tests/support/io_thread.hpp"
#include "tests/support/refusing_port.hpp"

namespace verity::net {
namespace {

using namespace std::chrono_literals;

TEST(sim_callback_pool, parses_plain_http_urls_only) {
  auto target = parse_callback_url("http://127.0.0.1:8080/v1/webhooks/twilio/status?message_id=M1");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->host, "127.0.0.1");
  EXPECT_EQ(target->port, "8080");
  EXPECT_EQ(target->path, "/v1/webhooks/twilio/status?message_id=M1");
  auto bare = parse_callback_url("http://example.com");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->port, "80");
  EXPECT_EQ(bare->path, "/");
  auto ipv6 = parse_callback_url("http://[::1]:9000/x");
  ASSERT_TRUE(ipv6);
  EXPECT_EQ(ipv6->host, "::1");
  EXPECT_EQ(ipv6->port, "9000");
  EXPECT_FALSE(parse_callback_url("https://example.com/x"));
  EXPECT_FALSE(parse_callback_url("http:///x"));
  EXPECT_FALSE(parse_callback_url("http://user@host/x"));
}

class sim_callback_pool_test : public ::testing::Test {
protected:
  void post_to(const test::counting_server& server, sim_callback_pool& pool, int index) {
    auto target = parse_callback_url(server.url("/status?n=" + std::to_string(index)));
    pool.post(*target, "MessageStatus=sent&n=" + std::to_string(index), "sig", outcomes_.add());
  }

  test::io_thread io_;
  test::collector<http_outcome> outcomes_;
};

TEST_F(sim_callback_pool_test, reuses_a_few_keep_alive_connections_for_many_callbacks) {
  test::counting_server receiver;
  sim_callback_pool pool{io_.io(), {.connections_per_host = 4}};
  for (int i = 0; i < 300; ++i)
    post_to(receiver, pool, i);
  auto seen = outcomes_.wait_for(300, 10s);
  ASSERT_EQ(seen.size(), 300U);
  for (const auto& outcome : seen)
    EXPECT_EQ(outcome.status, 200) << outcome.error;
  EXPECT_EQ(receiver.wait_for(300, 1s).size(), 300U);
  EXPECT_GE(receiver.connections(), 1U);
  EXPECT_LE(receiver.connections(), 4U) << "a connection per callback";
  EXPECT_EQ(pool.counts().connections_opened, receiver.connections());
}

TEST_F(sim_callback_pool_test, sends_again_on_a_fresh_connection_when_an_idle_one_was_closed) {
  test::counting_server receiver{test::counting_mode::answer_then_close};
  sim_callback_pool pool{io_.io(), {.connections_per_host = 1}};
  post_to(receiver, pool, 1);
  ASSERT_EQ(outcomes_.wait_for(1, 5s).size(), 1U);
  std::this_thread::sleep_for(100ms); // the server closes the idle connection meanwhile
  post_to(receiver, pool, 2);
  auto seen = outcomes_.wait_for(2, 5s);
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_EQ(seen[1].status, 200) << seen[1].error;
  EXPECT_EQ(receiver.wait_for(2, 1s).size(), 2U) << "each callback arrives once";
  EXPECT_EQ(receiver.connections(), 2U);
}

TEST_F(sim_callback_pool_test, a_half_full_queue_reports_saturation_and_a_full_one_drops) {
  test::counting_server receiver{test::counting_mode::never_answer};
  sim_callback_pool pool{io_.io(), {.connections_per_host = 1, .max_queued = 2}};
  post_to(receiver, pool, 0); // on the connection
  EXPECT_FALSE(pool.saturated());
  post_to(receiver, pool, 1); // queued: half full
  EXPECT_TRUE(pool.saturated());
  post_to(receiver, pool, 2); // queued: full
  post_to(receiver, pool, 4);
  auto seen = outcomes_.wait_for(1, 1s);
  ASSERT_EQ(seen.size(), 1U) << "the fourth is refused at once";
  EXPECT_EQ(seen[0].status, 0);
  EXPECT_FALSE(seen[0].connect_failed);
  auto counts = pool.counts();
  EXPECT_EQ(counts.dropped, 1U);
  EXPECT_EQ(counts.queued, 2U);
}

TEST_F(sim_callback_pool_test, a_callback_not_answered_in_time_fails) {
  test::counting_server receiver{test::counting_mode::never_answer};
  sim_callback_pool pool{io_.io(), {.timeout = 200ms}};
  post_to(receiver, pool, 1);
  auto seen = outcomes_.wait_for(1, 5s);
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].status, 0);
  EXPECT_EQ(seen[0].error, "timed out");
}

TEST_F(sim_callback_pool_test, a_refused_connection_is_reported_as_a_connect_failure) {
  test::refusing_port closed;
  sim_callback_pool pool{io_.io(), {}};
  pool.post({"127.0.0.1", std::to_string(closed.number()), "/"}, "a=b", "sig", outcomes_.add());
  auto seen = outcomes_.wait_for(1, 5s);
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_TRUE(seen[0].connect_failed) << seen[0].error;
}

} // namespace
} // namespace verity::net
