#include "net/http_server.hpp"

#include <array>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "net/health_routes.hpp"
#include "net/router.hpp"
#include "tests/support/http_client.hpp"

namespace verity::net {
namespace {

using namespace std::chrono_literals;
using test::http_call;

/// A server on an ephemeral loopback port, run by one I/O thread for the test's duration.
class http_server_test : public ::testing::Test {
protected:
  void SetUp() override {
    add_health_routes(routes_, [this] { return not_ready_reasons_; });
    routes_.add("POST", "/echo", [](const http_request& request, responder respond) {
      respond({200, "text/plain", request.body, {}});
    });
    routes_.add("GET", "/later", [](const http_request&, responder respond) {
      // Answers from another thread, as an actor would.
      std::thread{[respond = std::move(respond)] {
        respond({202, "application/json", R"({"later":true})", {{"Retry-After", "1"}}});
      }}.detach();
    });
    http_server_limits limits;
    limits.max_body = 1024;
    limits.header_timeout = 300ms;
    server_.emplace(io_, "127.0.0.1", 0, routes_, limits);
    server_->start();
    runner_ = std::thread{[this] { io_.run(); }};
  }

  void TearDown() override {
    server_->stop();
    io_.stop();
    runner_.join();
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + path;
  }

  /// Sends raw bytes and returns whatever the server answers before closing (or 2 s pass).
  std::string raw_exchange(const std::string& bytes) {
    boost::asio::io_context client_io;
    boost::asio::ip::tcp::socket socket{client_io};
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), server_->port()});
    boost::asio::write(socket, boost::asio::buffer(bytes));
    std::string answer;
    std::array<char, 4096> buffer{};
    boost::system::error_code ec;
    while (!ec) {
      auto got = socket.read_some(boost::asio::buffer(buffer), ec);
      answer.append(buffer.data(), got);
    }
    return answer;
  }

  std::vector<std::string> not_ready_reasons_;
  router routes_;
  boost::asio::io_context io_;
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
  not_ready_reasons_ = {"storage closed"};
  auto result = http_call("GET", url("/readyz"));
  EXPECT_EQ(result.status, 503);
  EXPECT_EQ(nlohmann::json::parse(result.body)["reasons"][0], "storage closed");
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
  auto answer = raw_exchange("NOT HTTP AT ALL\r\n\r\n");
  EXPECT_NE(answer.find("400"), std::string::npos) << answer;
  EXPECT_NE(answer.find("invalid_request"), std::string::npos) << answer;
}

TEST_F(http_server_test, slow_client_is_disconnected) {
  // Half a request head, then silence: the header timeout (300 ms here) closes the connection.
  auto started = std::chrono::steady_clock::now();
  auto answer = raw_exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n");
  EXPECT_EQ(answer, "");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST_F(http_server_test, keep_alive_serves_several_requests) {
  auto answer = raw_exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                             "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto first = answer.find("HTTP/1.1 200");
  ASSERT_NE(first, std::string::npos);
  EXPECT_NE(answer.find("HTTP/1.1 200", first + 1), std::string::npos) << answer;
}

} // namespace
} // namespace verity::net
