#include "net/http/server.hpp"

#include <atomic>
#include <future>
#include <memory>
#include <optional>
#include <thread>

#include <fcntl.h>
#include <sys/resource.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "net/api/health_routes.hpp"
#include "net/api/readiness.hpp"
#include "net/api/router.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/raw_connection.hpp"

namespace verity::net {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using test::http_call;
using test::raw_connection;
using test::raw_response;

/// A request for `path` as raw bytes, with `extra` header lines (each ending in CRLF).
std::string raw_get(const std::string& path, const std::string& extra = {}) {
  return "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + extra + "\r\n";
}

/// The descriptor limit that leaves exactly `free` descriptors to open (new descriptors take
/// the lowest free numbers, and the limit bounds the numbers).
rlim_t limit_leaving(int free) {
  int fd = 0;
  for (; free > 0; ++fd)
    if (fcntl(fd, F_GETFD) == -1)
      --free;
  return static_cast<rlim_t>(fd);
}

/// CPU time this process used so far (every thread).
std::chrono::microseconds cpu_time() {
  rusage used{};
  getrusage(RUSAGE_SELF, &used);
  auto micros = [](const timeval& t) {
    return std::chrono::seconds{t.tv_sec} + std::chrono::microseconds{t.tv_usec};
  };
  return micros(used.ru_utime) + micros(used.ru_stime);
}

/// A POST of `body` to /echo as raw bytes.
std::string raw_echo(const std::string& body) {
  return "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size())
         + "\r\n\r\n" + body;
}

/// A server on an ephemeral loopback port, run by one I/O thread for the test's duration.
class http_server_test : public ::testing::Test {
protected:
  http_server_test() {
    limits_.max_body = 1024;
    limits_.header_timeout = 300ms;
  }

  void SetUp() override {
    add_health_routes(routes_, std::make_shared<readiness>(readiness_sources{
                                 "simulator", [this] { return stopping_.load(); },
                                 [] { return true; }, [] { return check_outcome{}; },
                                 [](auto done) { done(check_outcome{}); }}));
    routes_.add("POST", "/echo", [this](const http_request& request, responder respond) {
      ++echoed_;
      respond({200, "text/plain", request.body, {}});
    });
    routes_.add("GET", "/gate", [this](const http_request&, responder respond) {
      // Holds the answer until the test releases it: a request in flight.
      gate_.set_value(std::move(respond));
    });
    routes_.add("GET", "/later", [](const http_request&, responder respond) {
      // Answers from another thread, as an actor would.
      std::thread{[respond = std::move(respond)] {
        respond({202, "application/json", R"({"later":true})", {{"Retry-After", "1"}}});
      }}.detach();
    });
    server_.emplace(io_, "127.0.0.1", 0, routes_, limits_);
    server_->start();
    runner_ = std::thread{[this] { io_.run(); }};
  }

  void TearDown() override {
    server_->stop();
    work_.reset();
    io_.stop();
    runner_.join();
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + path;
  }

  /// Sends raw bytes on a fresh connection; every response until the server closes it.
  std::vector<raw_response> raw_exchange(const std::string& bytes) {
    return test::raw_exchange(server_->port(), bytes);
  }

  /// Expects exactly one 400 `invalid_request` answer, after which the server closed.
  void expect_rejected(const std::string& bytes, const std::string& what) {
    raw_connection connection{server_->port()};
    connection.send(bytes);
    auto answers = connection.read_until_close();
    ASSERT_EQ(answers.size(), 1u) << what;
    EXPECT_EQ(answers[0].status, 400) << what;
    EXPECT_EQ(nlohmann::json::parse(answers[0].body)["error"]["code"], "invalid_request") << what;
    EXPECT_TRUE(answers[0].closes) << what;
    EXPECT_TRUE(connection.closed_by_server()) << what;
  }

  http_server_limits limits_;
  std::atomic<int> echoed_{0};
  std::promise<responder> gate_;
  std::atomic<bool> stopping_{false};
  router routes_;
  boost::asio::io_context io_;
  /// Keeps `io_` running while a request is in flight and nothing else is pending.
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
    io_.get_executor()};
  std::optional<http_server> server_;
  std::thread runner_;
};

TEST_F(http_server_test, healthz_answers) {
  auto result = http_call("GET", url("/healthz"));
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(nlohmann::json::parse(result.body)["status"], "ok");
  EXPECT_EQ(result.headers["content-type"], "application/json");
}

TEST_F(http_server_test, readyz_reports_reasons) {
  EXPECT_EQ(http_call("GET", url("/readyz")).status, 200);
  stopping_ = true;
  auto result = http_call("GET", url("/readyz"));
  EXPECT_EQ(result.status, 503);
  EXPECT_EQ(nlohmann::json::parse(result.body)["reasons"][0], "shutting down");
}

TEST_F(http_server_test, unknown_route_gets_the_error_body) {
  auto result = http_call("GET", url("/nope"));
  EXPECT_EQ(result.status, 404);
  auto body = nlohmann::json::parse(result.body);
  EXPECT_EQ(body["error"]["code"], "not_found");
  EXPECT_FALSE(body["error"]["message"].get<std::string>().empty());
}

TEST_F(http_server_test, wrong_method_is_405) {
  auto result = http_call("POST", url("/healthz"), "{}");
  EXPECT_EQ(result.status, 405);
  EXPECT_EQ(nlohmann::json::parse(result.body)["error"]["code"], "method_not_allowed");
}

TEST_F(http_server_test, body_reaches_the_handler) {
  auto result = http_call("POST", url("/echo"), "hello");
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, "hello");
}

TEST_F(http_server_test, answer_from_another_thread) {
  auto result = http_call("GET", url("/later"));
  EXPECT_EQ(result.status, 202);
  EXPECT_EQ(result.headers["retry-after"], "1");
}

TEST_F(http_server_test, body_over_the_limit_is_413) {
  auto result = http_call("POST", url("/echo"), std::string(2048, 'x'));
  EXPECT_EQ(result.status, 413);
  EXPECT_EQ(nlohmann::json::parse(result.body)["error"]["code"], "payload_too_large");
}

TEST_F(http_server_test, huge_header_is_431) {
  auto result = http_call("GET", url("/healthz"), {}, {"X-Big: " + std::string(9000, 'a')});
  EXPECT_EQ(result.status, 431);
}

TEST_F(http_server_test, garbage_is_400_then_closed) {
  expect_rejected("NOT HTTP AT ALL\r\n\r\n", "garbage");
}

TEST_F(http_server_test, slow_client_is_disconnected) {
  // Half a request head, then silence: the header timeout (300 ms here) closes the connection.
  auto started = std::chrono::steady_clock::now();
  raw_connection connection{server_->port()};
  connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n");
  EXPECT_TRUE(connection.read_until_close().empty());
  EXPECT_TRUE(connection.closed_by_server());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST_F(http_server_test, keep_alive_serves_several_requests) {
  raw_connection connection{server_->port()};
  for (int i = 0; i < 3; ++i) {
    connection.send(raw_get("/healthz"));
    auto answer = connection.read_response();
    ASSERT_TRUE(answer) << "request " << i;
    EXPECT_EQ(answer->status, 200);
    EXPECT_FALSE(answer->closes);
  }
  connection.send(raw_get("/healthz", "Connection: close\r\n"));
  auto last = connection.read_until_close();
  ASSERT_EQ(last.size(), 1u);
  EXPECT_TRUE(last[0].closes);
  EXPECT_TRUE(connection.closed_by_server());
}

TEST_F(http_server_test, pipelined_requests_are_answered_in_order) {
  // The first answer comes from another thread after the second request was already sent: the
  // connection still answers in request order, one request at a time.
  auto answers = raw_exchange(raw_get("/later") + raw_get("/healthz") + raw_echo("third")
                              + raw_get("/healthz", "Connection: close\r\n"));
  ASSERT_EQ(answers.size(), 4u);
  EXPECT_EQ(answers[0].status, 202);
  EXPECT_EQ(answers[1].status, 200);
  EXPECT_EQ(answers[2].body, "third");
  EXPECT_EQ(answers[3].status, 200);
}

TEST_F(http_server_test, valid_request_then_garbage_answers_both_then_closes) {
  auto answers = raw_exchange(raw_echo("first") + "GARBAGE\r\n\r\n" + raw_echo("never"));
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].body, "first");
  EXPECT_EQ(answers[1].status, 400);
  EXPECT_TRUE(answers[1].closes);
  EXPECT_EQ(echoed_, 1) << "nothing after the garbage reaches the handler";
}

TEST_F(http_server_test, garbage_then_valid_request_never_reaches_the_handler) {
  expect_rejected("GARBAGE\r\n\r\n" + raw_echo("smuggled"), "garbage first");
  expect_rejected("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"s + raw_echo("smuggled"),
                  "a TLS hello");
  expect_rejected("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + raw_echo("smuggled"), "HTTP/2 preface");
  EXPECT_EQ(echoed_, 0);
}

TEST_F(http_server_test, smuggling_and_header_injection_attempts_are_400) {
  const std::string head = "POST /echo HTTP/1.1\r\nHost: x\r\n";
  expect_rejected(head + "Content-Length: 2\r\nContent-Length: 3\r\n\r\nabc", "two lengths");
  expect_rejected(head + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                  "length and chunked");
  expect_rejected(head + "Content-Length: -1\r\n\r\n", "negative length");
  expect_rejected(head + "X-A: a\rInjected: b\r\nContent-Length: 0\r\n\r\n", "bare CR");
  expect_rejected(head + "X-A: a\nInjected: b\r\nContent-Length: 0\r\n\r\n", "bare LF");
  expect_rejected(head + "X A: b\r\nContent-Length: 0\r\n\r\n", "space in a field name");
  expect_rejected(head + "X-A: a\0b\r\nContent-Length: 0\r\n\r\n"s, "NUL in a value");
  expect_rejected("GET /healthz\r\nInjected: b HTTP/1.1\r\nHost: x\r\n\r\n", "CRLF in the target");
  EXPECT_EQ(echoed_, 0);
}

TEST_F(http_server_test, expect_continue_gets_100_before_the_body) {
  raw_connection connection{server_->port()};
  connection.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                  "Content-Length: 5\r\n\r\n");
  auto interim = connection.read_response();
  ASSERT_TRUE(interim) << "the client would wait (curl: 1 s) for this before sending the body";
  EXPECT_EQ(interim->status, 100);
  connection.send("hello");
  auto answer = connection.read_response();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->body, "hello");
}

TEST_F(http_server_test, expect_continue_with_a_body_over_the_limit_is_413_at_once) {
  auto answers = raw_exchange("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                              "Content-Length: 5000\r\n\r\n");
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].status, 413);
  EXPECT_EQ(echoed_, 0);
}

TEST_F(http_server_test, slow_body_is_disconnected) {
  // A complete head, part of the body, then silence: the same deadline covers the body.
  raw_connection connection{server_->port()};
  connection.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly this");
  EXPECT_TRUE(connection.read_until_close().empty());
  EXPECT_TRUE(connection.closed_by_server());
  EXPECT_EQ(echoed_, 0);
}

TEST_F(http_server_test, idle_keep_alive_connection_is_closed) {
  raw_connection connection{server_->port()};
  connection.send(raw_get("/healthz"));
  ASSERT_TRUE(connection.read_response());
  EXPECT_TRUE(connection.read_until_close().empty());
  EXPECT_TRUE(connection.closed_by_server()) << "closed after the header timeout (300 ms here)";
}

TEST_F(http_server_test, very_long_url_is_431) {
  auto answers = raw_exchange(raw_get("/healthz?" + std::string(9000, 'a')));
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].status, 431);
  EXPECT_EQ(nlohmann::json::parse(answers[0].body)["error"]["code"], "invalid_request");
  EXPECT_EQ(http_call("GET", url("/healthz")).status, 200);
}

TEST_F(http_server_test, many_headers_over_the_limit_are_431) {
  std::string fields;
  for (int i = 0; i < 600; ++i)
    fields += "X-F" + std::to_string(i) + ": 0123456789\r\n";
  auto answers = raw_exchange(raw_get("/healthz", fields));
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].status, 431);
}

TEST_F(http_server_test, stop_finishes_the_request_in_flight_and_accepts_no_more) {
  auto held = gate_.get_future();
  raw_connection connection{server_->port()};
  connection.send(raw_get("/gate"));
  ASSERT_EQ(held.wait_for(5s), std::future_status::ready);
  server_->stop();
  held.get()({200, "text/plain", "finished", {}});
  auto answers = connection.read_until_close();
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].body, "finished");
  EXPECT_TRUE(answers[0].closes) << "no keep-alive once stopping";
  try {
    raw_connection late{server_->port()};
    late.send(raw_get("/healthz"));
    EXPECT_TRUE(late.read_until_close().empty()) << "a connection after stop is not served";
  } catch (const std::runtime_error&) {
    // Refused outright: also right.
  }
}

/// The same server with room for two connections only.
class http_server_cap_test : public http_server_test {
protected:
  http_server_cap_test() {
    limits_.max_connections = 2;
    limits_.header_timeout = 10s; // idle connections stay for the whole test
  }

  /// Whether a fresh connection is served.
  bool served() {
    raw_connection connection{server_->port()};
    connection.send(raw_get("/healthz", "Connection: close\r\n"));
    return !connection.read_until_close().empty();
  }
};

TEST_F(http_server_cap_test, connections_over_the_cap_are_closed_at_once) {
  std::vector<std::unique_ptr<raw_connection>> open;
  for (int i = 0; i < 2; ++i) {
    open.push_back(std::make_unique<raw_connection>(server_->port()));
    open.back()->send(raw_get("/healthz"));
    ASSERT_TRUE(open.back()->read_response()) << "connection " << i;
  }
  EXPECT_FALSE(served());
  open[0]->send(raw_get("/healthz"));
  EXPECT_TRUE(open[0]->read_response()) << "open connections keep working";

  open.clear(); // the server notices both closes; a new connection is served again
  auto deadline = std::chrono::steady_clock::now() + 5s;
  bool again = false;
  while (!again && std::chrono::steady_clock::now() < deadline)
    again = served();
  EXPECT_TRUE(again);
}

/// The same server with a long header timeout: idle connections stay for the whole test.
class http_server_patient_test : public http_server_test {
protected:
  http_server_patient_test() { limits_.header_timeout = 10s; }
};

TEST_F(http_server_patient_test, out_of_descriptors_it_retries_accepting_without_spinning) {
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit tight = saved;
  tight.rlim_cur = limit_leaving(3); // one connection (both ends), and one more client socket
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &tight), 0);
  raw_connection served{server_->port()};
  served.send(raw_get("/healthz"));
  auto first = served.read_response();
  raw_connection queued{server_->port()}; // the kernel completes it; accepting it fails
  auto before = cpu_time();
  std::this_thread::sleep_for(1s); // a measuring window, not a synchronisation
  auto spent = cpu_time() - before;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);

  ASSERT_TRUE(first);
  EXPECT_LT(spent, 100ms) << "the accept loop spins while out of descriptors";
  queued.send(raw_get("/healthz"));
  auto later = queued.read_response();
  ASSERT_TRUE(later) << "accepting resumes once descriptors are free";
  EXPECT_EQ(later->status, 200);
}

TEST_F(http_server_patient_test, stop_closes_idle_keep_alive_connections_at_once) {
  raw_connection idle{server_->port()};
  idle.send(raw_get("/healthz"));
  ASSERT_TRUE(idle.read_response());
  auto held = gate_.get_future();
  raw_connection busy{server_->port()};
  busy.send(raw_get("/gate"));
  ASSERT_EQ(held.wait_for(5s), std::future_status::ready);

  server_->stop();
  EXPECT_TRUE(idle.read_until_close().empty());
  EXPECT_TRUE(idle.closed_by_server()) << "closed by the stop, not after the 10 s header timeout";
  held.get()({200, "text/plain", "finished", {}});
  auto answers = busy.read_until_close();
  ASSERT_EQ(answers.size(), 1u) << "the request in flight is still answered";
  EXPECT_EQ(answers[0].body, "finished");
  EXPECT_TRUE(answers[0].closes);
}

} // namespace
} // namespace verity::net
