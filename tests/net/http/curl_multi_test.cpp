#include "net/http/curl_multi.hpp"

#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>

#include <gtest/gtest.h>

#include "net/api/router.hpp"
#include "tests/support/collector.hpp"
#include "tests/support/io_thread.hpp"
#include "tests/support/refusing_port.hpp"

namespace verity::net {
namespace {

using namespace std::chrono_literals;

using outcomes = test::collector<http_outcome>;

/// A local server with an echo route and a route that never answers, and a curl_multi on its
/// own I/O thread.
class curl_multi_test : public ::testing::Test {
protected:
  curl_multi_test() {
    routes_.add("POST", "/echo", [](const http_request& request, responder respond) {
      http_response answer{200, "text/plain", request.body, {{"X-Method", request.method}}};
      answer.headers.emplace_back("X-Authorization", std::string{request.header("Authorization")});
      respond(std::move(answer));
    });
    routes_.add("GET", "/silent", [this](const http_request&, responder respond) {
      {
        std::lock_guard lock{held_mutex_};
        held_.push_back(std::move(respond)); // answered only when the test ends
      }
      held_changed_.notify_all();
    });
  }

  ~curl_multi_test() override {
    std::vector<responder> held;
    {
      std::lock_guard lock{held_mutex_};
      held.swap(held_);
    }
    for (auto& respond : held) // answered and let go while the server still runs
      respond({200, "text/plain", "late", {}});
  }

  http_call echo(std::string body) const {
    http_call call;
    call.method = "POST";
    call.url = server_.url("/echo");
    call.body = std::move(body);
    return call;
  }

  router routes_;
  std::mutex held_mutex_;
  std::condition_variable held_changed_;
  std::vector<responder> held_;
  test::test_server server_{routes_};
  test::io_thread client_io_;
  curl_multi http_{client_io_.io()};
};

TEST_F(curl_multi_test, many_concurrent_requests_all_complete) {
  constexpr std::size_t count = 200;
  outcomes done;
  for (std::size_t i = 0; i < count; ++i)
    http_.start(echo("request " + std::to_string(i)), done.add());
  auto received = done.wait_for(count, 20s);
  ASSERT_EQ(received.size(), count);
  std::set<std::string> bodies;
  for (const auto& outcome : received) {
    EXPECT_EQ(outcome.status, 200) << outcome.error;
    EXPECT_TRUE(outcome.error.empty());
    bodies.insert(outcome.body);
  }
  EXPECT_EQ(bodies.size(), count) << "every request got its own answer";
}

TEST_F(curl_multi_test, sends_method_body_basic_auth_and_reads_headers) {
  outcomes done;
  auto call = echo("a=1&b=2");
  call.username = "user";
  call.password = "pass";
  http_.start(call, done.add());
  auto received = done.wait_for(1, 10s);
  ASSERT_EQ(received.size(), 1U);
  EXPECT_EQ(received[0].status, 200);
  EXPECT_EQ(received[0].body, "a=1&b=2");
  EXPECT_EQ(received[0].header("x-method"), "POST");
  EXPECT_EQ(received[0].header("x-authorization"), "Basic dXNlcjpwYXNz");
  EXPECT_EQ(received[0].header("content-type"), "text/plain");
  EXPECT_EQ(received[0].header("absent"), "");
}

TEST_F(curl_multi_test, total_timeout_ends_a_transfer_with_an_error) {
  outcomes done;
  http_call call;
  call.url = server_.url("/silent");
  call.total_timeout = 200ms;
  auto started = std::chrono::steady_clock::now();
  http_.start(call, done.add());
  auto received = done.wait_for(1, 10s);
  ASSERT_EQ(received.size(), 1U);
  EXPECT_EQ(received[0].status, 0);
  EXPECT_FALSE(received[0].error.empty());
  EXPECT_FALSE(received[0].connect_failed);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST_F(curl_multi_test, connection_refused_completes_once_with_an_error) {
  constexpr std::size_t count = 20;
  outcomes done;
  test::refusing_port closed;
  for (std::size_t i = 0; i < count; ++i) {
    http_call call;
    call.url = closed.url("/");
    http_.start(call, done.add());
  }
  auto received = done.wait_for(count, 10s);
  ASSERT_EQ(received.size(), count);
  for (const auto& outcome : received) {
    EXPECT_EQ(outcome.status, 0);
    EXPECT_TRUE(outcome.connect_failed);
    EXPECT_FALSE(outcome.error.empty());
  }
  // A later transfer's completion proves no refused one completed twice in between.
  http_.start(echo("after"), done.add());
  EXPECT_EQ(done.wait_for(count + 1, 10s).size(), count + 1);
  EXPECT_EQ(done.wait_for(count + 2, 100ms).size(), count + 1);
}

TEST_F(curl_multi_test, destroying_with_transfers_in_flight_abandons_them) {
  outcomes done;
  {
    curl_multi short_lived{client_io_.io()};
    http_call call;
    call.url = server_.url("/silent");
    short_lived.start(call, done.add());
    // Wait until the server holds the request, so the transfer is surely on the wire.
    std::unique_lock lock{held_mutex_};
    ASSERT_TRUE(held_changed_.wait_for(lock, 10s, [this] { return !held_.empty(); }));
  }
  http_.start(echo("still works"), done.add());
  auto received = done.wait_for(1, 10s);
  ASSERT_EQ(received.size(), 1U);
  EXPECT_EQ(received[0].body, "still works");
}

TEST_F(curl_multi_test, refuses_urls_of_other_protocols) {
  outcomes done;
  http_call call;
  call.url = "file:///etc/passwd";
  http_.start(call, done.add());
  auto received = done.wait_for(1, 10s);
  ASSERT_EQ(received.size(), 1U);
  EXPECT_EQ(received[0].status, 0);
  EXPECT_FALSE(received[0].error.empty());
}

} // namespace
} // namespace verity::net
