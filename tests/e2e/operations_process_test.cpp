// The settings an operator runs Verity with, tested on the real `verity` binary on ephemeral
// loopback ports: the separate admin listener (VERITY_ADMIN_LISTEN), the stop in steps
// (VERITY_PRESTOP, VERITY_DRAIN) and the notifications to systemd (NOTIFY_SOCKET).

#include <csignal>
#include <filesystem>
#include <random>
#include <regex>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/raw_connection.hpp"
#include "tests/support/verity_api.hpp"

namespace verity {
namespace {

using namespace std::chrono_literals;
using test::child_process;

/// A unix datagram socket standing in for systemd's notification socket: it keeps every
/// message a child sends to it.
class notify_socket {
public:
  /// Binds `path`. Throws std::runtime_error when it cannot.
  explicit notify_socket(std::filesystem::path path) : path_(std::move(path)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    auto text = path_.string();
    if (fd_ < 0 || text.size() >= sizeof address.sun_path)
      throw std::runtime_error("cannot create the notification socket");
    text.copy(address.sun_path, text.size());
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
      throw std::runtime_error("cannot bind " + text);
  }
  ~notify_socket() {
    ::close(fd_);
    std::filesystem::remove(path_);
  }
  notify_socket(const notify_socket&) = delete;
  notify_socket& operator=(const notify_socket&) = delete;

  /// The path, for NOTIFY_SOCKET.
  std::string path() const { return path_.string(); }

  /// Reads messages until one contains `line` (a whole line of it) or `timeout` passes;
  /// returns that message.
  std::optional<std::string> wait_for(const std::string& line, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
      pollfd waiting{fd_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&waiting, 1, static_cast<int>(left.count())) <= 0)
        return std::nullopt;
      char buffer[4096];
      auto size = ::recv(fd_, buffer, sizeof buffer, 0);
      if (size <= 0)
        return std::nullopt;
      std::string message{buffer, static_cast<std::size_t>(size)};
      received_.push_back(message);
      if (("\n" + message + "\n").find("\n" + line + "\n") != std::string::npos)
        return message;
    }
  }

  /// Every message read so far, oldest first.
  const std::vector<std::string>& received() const { return received_; }

private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<std::string> received_;
};

const std::regex public_line{R"(verity listening on (http://\S+))"};
const std::regex admin_line{R"(verity admin listening on (http://\S+))"};

class operations_process_test : public ::testing::Test {
protected:
  void SetUp() override {
    std::random_device seed;
    data_dir_ = std::filesystem::temp_directory_path()
                / ("verity-ops-" + std::to_string(seed()) + std::to_string(seed()));
  }
  void TearDown() override { std::filesystem::remove_all(data_dir_); }

  /// The environment of a fresh start: loopback, any port, the simulator, one API key.
  std::map<std::string, std::string> environment() const {
    return {{"VERITY_LISTEN", "127.0.0.1:0"},
            {"VERITY_DATA_DIR", data_dir_.string()},
            {"VERITY_TWILIO", "simulator"},
            {"VERITY_API_KEYS", api_key},
            {"TWILIO_ACCOUNT_SID", ""},
            {"TWILIO_AUTH_TOKEN", ""}};
  }

  /// Starts `verity` with `env`.
  static std::unique_ptr<child_process> start(const std::map<std::string, std::string>& env) {
    return std::make_unique<child_process>(test::build_directory() + "/verity",
                                           std::vector<std::string>{}, env);
  }

  /// The id of a new verification to `phone`, once its delivery reached its last state
  /// ("read"), so that a long poll on it can only time out. Empty on failure.
  static std::string settled_verification(const test::verity_api& api, const std::string& phone) {
    auto created = api.create(phone);
    if (created.status != 201)
      return {};
    auto view = test::json_of(created);
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (view["delivery"]["state"] != "read" && std::chrono::steady_clock::now() < deadline)
      view = test::json_of(
        api.read(view["id"].get<std::string>(), view["delivery"]["state"].get<std::string>(), 10s));
    return view["delivery"]["state"] == "read" ? view["id"].get<std::string>() : std::string{};
  }

  /// The port of `address` ("http://127.0.0.1:41234").
  static std::uint16_t port_of(const std::string& address) {
    return static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
  }

  /// A long poll of `wait_seconds` on verification `id`, sent on `connection`.
  static void send_long_poll(test::raw_connection& connection, const std::string& id,
                             int wait_seconds) {
    connection.send("GET /v1/verifications/" + id + "?wait=" + std::to_string(wait_seconds)
                    + "&seen=read HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + api_key
                    + "\r\n\r\n");
  }

  static constexpr const char* api_key = "ops-key-0123456789abcdef";
  std::filesystem::path data_dir_;
};

TEST_F(operations_process_test, the_admin_listener_serves_metrics_and_health_and_the_public_one_no_metrics) {
  auto env = environment();
  env["VERITY_ADMIN_LISTEN"] = "127.0.0.1:0";
  auto verity = start(env);
  auto address = verity->wait_for_line(public_line, 20s);
  ASSERT_TRUE(address) << verity->output();
  auto admin = verity->wait_for_line(admin_line, 5s);
  ASSERT_TRUE(admin) << verity->output();
  ASSERT_NE(*admin, *address);

  auto metrics = test::http_call("GET", *admin + "/metrics");
  EXPECT_EQ(metrics.status, 200) << metrics.error;
  EXPECT_NE(metrics.body.find("verity_verifications_started_total"), std::string::npos);
  EXPECT_EQ(metrics.headers["verity-twilio-mode"], "simulator");
  for (const auto* base : {&*admin, &*address}) {
    EXPECT_EQ(test::http_call("GET", *base + "/healthz").status, 200) << *base;
    EXPECT_EQ(test::http_call("GET", *base + "/readyz").status, 200) << *base;
  }
  EXPECT_EQ(test::http_call("GET", *address + "/metrics").status, 404)
    << "metrics leave the public listener";
  EXPECT_EQ(test::http_call("POST", *admin + "/v1/verifications", R"({"to": "+12015550123"})",
                            {"Authorization: Bearer " + std::string{api_key},
                             "Content-Type: application/json"})
              .status,
            404)
    << "the API stays on the public listener";

  auto status = verity->stop(SIGTERM, 10s);
  ASSERT_TRUE(status) << verity->output();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
}

TEST_F(operations_process_test, without_an_admin_listener_metrics_stay_on_the_public_one) {
  auto verity = start(environment());
  auto address = verity->wait_for_line(public_line, 20s);
  ASSERT_TRUE(address) << verity->output();
  EXPECT_EQ(test::http_call("GET", *address + "/metrics").status, 200);
  EXPECT_EQ(verity->output().find("admin listening"), std::string::npos);
  EXPECT_TRUE(verity->stop(SIGTERM, 10s));
}

TEST_F(operations_process_test, during_the_prestop_delay_readyz_is_503_and_requests_are_served) {
  auto env = environment();
  env["VERITY_PRESTOP"] = "8s"; // ample time for the checks below, even on a loaded machine
  auto verity = start(env);
  auto address = verity->wait_for_line(public_line, 20s);
  ASSERT_TRUE(address) << verity->output();
  ASSERT_EQ(test::http_call("GET", *address + "/readyz").status, 200);

  ASSERT_EQ(::kill(verity->pid(), SIGTERM), 0);
  ASSERT_TRUE(verity->wait_for_line(std::regex{"received signal"}, 10s)) << verity->output();
  auto ready = test::http_call("GET", *address + "/readyz");
  EXPECT_EQ(ready.status, 503) << ready.error;
  EXPECT_EQ(test::json_of(ready)["reasons"][0], "shutting down") << ready.body;
  EXPECT_EQ(test::http_call("GET", *address + "/healthz").status, 200);
  auto created = test::verity_api{*address, api_key}.create("+12015550123");
  EXPECT_EQ(created.status, 201) << "new connections are still served: " << created.error;

  auto status = verity->stop(0, 20s);
  ASSERT_TRUE(status) << "stops once the pre-stop delay is over";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  EXPECT_NE(verity->output().find("closed the listeners"), std::string::npos) << verity->output();
}

TEST_F(operations_process_test, a_second_signal_during_the_prestop_delay_stops_at_once) {
  auto env = environment();
  env["VERITY_PRESTOP"] = "10m";
  auto verity = start(env);
  ASSERT_TRUE(verity->wait_for_line(public_line, 20s)) << verity->output();
  ASSERT_EQ(::kill(verity->pid(), SIGTERM), 0);
  ASSERT_TRUE(verity->wait_for_line(std::regex{"received signal"}, 10s)) << verity->output();

  auto status = verity->stop(SIGTERM, 10s);
  ASSERT_TRUE(status) << verity->output();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  EXPECT_NE(verity->output().find("again: stopping at once"), std::string::npos)
    << verity->output();
}

TEST_F(operations_process_test, a_long_poll_open_at_sigterm_is_answered_before_the_exit) {
  auto verity = start(environment()); // the default drain outlasts a long poll
  auto address = verity->wait_for_line(public_line, 20s);
  ASSERT_TRUE(address) << verity->output();
  auto id = settled_verification({*address, api_key}, "+12015550124");
  ASSERT_FALSE(id.empty()) << verity->output();

  test::raw_connection polling{port_of(*address), 30s};
  send_long_poll(polling, id, 8); // longer than the 5 s drain there once was
  ASSERT_EQ(test::http_call("GET", *address + "/healthz").status, 200); // the poll is accepted
  ASSERT_EQ(::kill(verity->pid(), SIGTERM), 0);
  auto polled = polling.read_response();
  ASSERT_TRUE(polled) << "the long poll is answered: " << verity->output();
  EXPECT_EQ(polled->status, 200);
  EXPECT_EQ(test::json_of({polled->status, polled->body, {}, {}})["id"], id);
  EXPECT_TRUE(polled->closes);

  auto status = verity->stop(0, 10s);
  ASSERT_TRUE(status) << verity->output();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
}

TEST_F(operations_process_test, the_drain_time_bounds_the_stop) {
  auto env = environment();
  env["VERITY_DRAIN"] = "1s";
  auto verity = start(env);
  auto address = verity->wait_for_line(public_line, 20s);
  ASSERT_TRUE(address) << verity->output();
  auto id = settled_verification({*address, api_key}, "+12015550125");
  ASSERT_FALSE(id.empty()) << verity->output();

  test::raw_connection polling{port_of(*address), 30s};
  send_long_poll(polling, id, 25);
  ASSERT_EQ(test::http_call("GET", *address + "/healthz").status, 200);
  ASSERT_EQ(::kill(verity->pid(), SIGTERM), 0);
  auto status = verity->stop(0, 15s);
  ASSERT_TRUE(status) << "stops when the drain time is over, long poll or not";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  EXPECT_FALSE(polling.read_response()) << "the poll was cut";
  EXPECT_NE(verity->output().find("drain time over"), std::string::npos) << verity->output();
}

TEST_F(operations_process_test, systemd_hears_ready_after_recovery_reloading_watchdog_and_stopping) {
  std::filesystem::create_directories(data_dir_);
  notify_socket systemd{data_dir_ / "notify"};
  auto env = environment();
  env["NOTIFY_SOCKET"] = systemd.path();
  env["WATCHDOG_USEC"] = "400000"; // a ping every 200 ms
  auto verity = start(env);

  auto ready = systemd.wait_for("READY=1", 20s);
  ASSERT_TRUE(ready) << verity->output();
  EXPECT_NE(ready->find("STATUS=ready"), std::string::npos) << *ready;
  auto address = verity->wait_for_line(public_line, 5s);
  ASSERT_TRUE(address) << verity->output();
  auto readiness = test::http_call("GET", *address + "/readyz");
  EXPECT_EQ(readiness.status, 200) << "READY=1 comes once /readyz is ready: " << readiness.body;
  EXPECT_EQ(test::json_of(readiness)["checks"]["recovery"], "done");
  EXPECT_TRUE(systemd.wait_for("WATCHDOG=1", 5s)) << "the I/O loop pings the watchdog";
  EXPECT_TRUE(systemd.wait_for("WATCHDOG=1", 5s)) << "again and again";

  ASSERT_EQ(::kill(verity->pid(), SIGHUP), 0);
  auto reloading = systemd.wait_for("RELOADING=1", 5s);
  ASSERT_TRUE(reloading) << verity->output();
  EXPECT_TRUE(std::regex_search(*reloading, std::regex{"\nMONOTONIC_USEC=[0-9]+"})) << *reloading;
  auto reloaded = systemd.wait_for("READY=1", 5s);
  ASSERT_TRUE(reloaded) << verity->output();
  EXPECT_NE(reloaded->find("STATUS=reloaded"), std::string::npos) << *reloaded;

  ASSERT_EQ(::kill(verity->pid(), SIGTERM), 0);
  EXPECT_TRUE(systemd.wait_for("STOPPING=1", 5s)) << verity->output();
  auto status = verity->stop(0, 10s);
  ASSERT_TRUE(status) << verity->output();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
}

TEST_F(operations_process_test, without_notify_socket_nothing_is_sent_and_nothing_fails) {
  auto env = environment();
  env["WATCHDOG_USEC"] = "400000"; // ignored without a socket to ping
  auto verity = start(env);
  ASSERT_TRUE(verity->wait_for_line(public_line, 20s)) << verity->output();
  auto status = verity->stop(SIGTERM, 10s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  EXPECT_EQ(verity->output().find("watchdog"), std::string::npos) << verity->output();
  EXPECT_EQ(verity->output().find("notify"), std::string::npos) << verity->output();
}

} // namespace
} // namespace verity
