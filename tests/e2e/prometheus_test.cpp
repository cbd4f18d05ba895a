// Starts the real `verity` binary against a Twilio simulator run by the test (so the test can
// read the codes it sends) and a real `prometheus` scraping it, drives traffic through every
// simulator outcome, then evaluates every panel query of dashboards/*.json and every alert
// expression of dashboards/alerts.yml: a dashboard query that returns nothing is a bug.

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <sys/wait.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "net/sim/inbox.hpp"
#include "net/sim/simulator.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/prometheus_server.hpp"

namespace verity {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using test::child_process;

constexpr const char* api_key = "e2e-key-0123456789abcdef";
constexpr const char* account_sid = "AC00000000000000000000000000e2e0e2";
constexpr const char* auth_token = "e2e-prometheus-token";

/// What the template variables of the dashboard's queries stand for in the test: the whole test
/// fits in a minute, so one minute covers all of its traffic.
constexpr const char* window = "1m";

/// Series that are above zero once the traffic went through every outcome.
const std::vector<std::string> traffic_evidence = {
  R"(verity_status_transitions_total{channel="whatsapp",status="read"})",
  R"(verity_status_transitions_total{channel="sms",status="delivered"})",
  R"(verity_twilio_errors_total{code="63003"})",
  R"(verity_twilio_errors_total{code="63016"})",
  R"(verity_twilio_errors_total{code="30003"})",
  R"(verity_twilio_errors_total{code="21211"})",
  R"(verity_twilio_requests_total{result="throttled"})",
  R"(verity_delivery_deadline_expiries_total{channel="whatsapp"})",
  R"(verity_fallbacks_total{reason="timed_out"})",
  R"(verity_fallbacks_total{reason="failed"})",
  R"(verity_callbacks_total{result="duplicate"})",
  R"(verity_callbacks_total{result="bad_signature"})",
  R"(verity_verifications_finished_total{outcome="approved"})",
};

/// The text file at `path`.
std::string read_file(const std::filesystem::path& path) {
  std::ifstream in{path};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The value of the sample `series` (written as Verity writes it) in a scrape, 0 when absent.
double sample_value(const std::string& scrape, const std::string& series) {
  auto at = scrape.find("\n" + series + " ");
  return at == std::string::npos ? 0 : std::stod(scrape.substr(at + series.size() + 2));
}

/// True when every series of `traffic_evidence` is above zero in `scrape`.
bool traffic_complete(const std::string& scrape) {
  return std::all_of(traffic_evidence.begin(), traffic_evidence.end(),
                     [&scrape](const auto& series) { return sample_value(scrape, series) > 0; });
}

/// `query` with Grafana's template variables replaced by concrete values.
std::string concrete(std::string query) {
  for (const auto* variable : {"$__rate_interval", "$__range"})
    for (auto at = query.find(variable); at != std::string::npos; at = query.find(variable))
      query.replace(at, std::string_view{variable}.size(), window);
  return query;
}

/// Every query of every panel of every Grafana dashboard (*.json) in `directory`, with its
/// file and panel's title.
std::vector<std::pair<std::string, std::string>> panel_queries(
  const std::filesystem::path& directory) {
  std::vector<std::pair<std::string, std::string>> queries;
  for (const auto& entry : std::filesystem::directory_iterator{directory}) {
    if (entry.path().extension() != ".json")
      continue;
    auto dashboard = json::parse(read_file(entry.path()));
    for (const auto& panel : dashboard.at("panels"))
      for (const auto& target : panel.value("targets", json::array()))
        queries.emplace_back(entry.path().filename().string() + ": "
                               + panel.at("title").get<std::string>(),
                             target.at("expr"));
  }
  return queries;
}

/// The `alert:` names and `expr:` lines of a rule file whose expressions fit on one line.
std::vector<std::pair<std::string, std::string>> alert_expressions(const std::string& rules) {
  static const std::regex alert{R"(- alert: (\S+)\n\s+expr: (.+)\n)"};
  std::vector<std::pair<std::string, std::string>> alerts;
  for (std::sregex_iterator it{rules.begin(), rules.end(), alert}, end; it != end; ++it)
    alerts.emplace_back((*it)[1], (*it)[2]);
  return alerts;
}

/// The signal an alert compares with its threshold: `expr` without its trailing comparison.
std::string signal_of(const std::string& expr) {
  static const std::regex comparison{R"(\s*(==|!=|>=|<=|>|<)\s*[0-9.]+\s*$)"};
  return std::regex_replace(expr, comparison, "");
}

class prometheus_test : public ::testing::Test {
protected:
  void SetUp() override {
    std::random_device seed;
    directory_ = std::filesystem::temp_directory_path()
                 / ("verity-prometheus-" + std::to_string(seed()) + std::to_string(seed()));
    net::twilio_simulator_settings simulated;
    simulated.account_sid = account_sid;
    simulated.auth_token = auth_token;
    simulated.latency = {50ms, 20ms};
    simulator_ = std::make_unique<net::twilio_simulator>(simulated);
    simulator_->start();
    verity_ = std::make_unique<child_process>(test::build_directory() + "/verity",
                                              std::vector<std::string>{}, environment());
    auto address = verity_->wait_for_line(std::regex{R"(verity listening on (http://\S+))"}, 20s);
    ASSERT_TRUE(address) << verity_->output();
    address_ = *address;
  }

  void TearDown() override {
    if (verity_)
      verity_->stop(SIGTERM, 10s);
    verity_.reset();
    simulator_.reset();
    std::filesystem::remove_all(directory_);
  }

  /// Verity with Twilio played by the test's simulator, a 2 s delivery deadline and automatic
  /// fallback to SMS.
  std::map<std::string, std::string> environment() const {
    return {{"VERITY_LISTEN", "127.0.0.1:0"},
            {"VERITY_DATA_DIR", (directory_ / "verity").string()},
            {"VERITY_API_KEYS", api_key},
            {"VERITY_DELIVERY_TIMEOUT", "2s"},
            {"VERITY_FALLBACK", "auto"},
            {"VERITY_ALLOW_INSECURE_CALLBACKS", "true"},
            {"TWILIO_ACCOUNT_SID", account_sid},
            {"TWILIO_AUTH_TOKEN", auth_token},
            {"TWILIO_API_BASE", simulator_->base_url()},
            {"TWILIO_PHONE_NUMBER", "+15005550006"},
            {"TWILIO_WHATSAPP_NUMBER", "+15005550006"}};
  }

  /// An API call to Verity with the test's key.
  test::http_result call(const std::string& method, const std::string& path,
                         const std::string& body = {}) const {
    return test::http_call(method, address_ + path, body,
                           {"Authorization: Bearer " + std::string{api_key},
                            "Content-Type: application/json"});
  }

  /// Starts a verification to +1 201 555 `last4` over `channel`; returns its id ("" if refused).
  std::string start(const std::string& last4, const std::string& channel = "auto") const {
    auto request = json{{"to", "+1201555" + last4}, {"channel", channel}};
    auto answer = call("POST", "/v1/verifications", request.dump());
    auto body = json::parse(answer.body, nullptr, false);
    return answer.status == 201 && body.is_object() ? body.value("id", "") : "";
  }

  /// Sends an SMS code to a number that receives it, reads it from the simulated phone and
  /// checks it, first wrongly once: the verification ends approved.
  void verify_with_the_code_received() const {
    auto id = start("0100", "sms");
    ASSERT_FALSE(id.empty());
    std::optional<std::string> body;
    for (auto deadline = std::chrono::steady_clock::now() + 10s;
         !body && std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(20ms))
      if (auto latest = simulator_->inbox()->latest("+12015550100", net::sim_inbox::clock::now()))
        body = latest->text;
    ASSERT_TRUE(body);
    std::smatch code;
    ASSERT_TRUE(std::regex_search(*body, code, std::regex{R"(code is (\d+))"})) << *body;
    EXPECT_EQ(call("POST", "/v1/verifications/" + id + "/check", R"({"code": "0"})").status, 200);
    auto checked = call("POST", "/v1/verifications/" + id + "/check",
                        json{{"code", code[1].str()}}.dump());
    EXPECT_NE(checked.body.find("approved"), std::string::npos) << checked.body;
  }

  /// A status callback with a signature that is not Twilio's: refused 403.
  void forge_a_callback() const {
    auto answer = test::http_call("POST", address_ + "/v1/webhooks/twilio/status",
                                  "MessageSid=SM00000000000000000000000000000000&MessageStatus="
                                  "delivered",
                                  {"X-Twilio-Signature: bm90IHR3aWxpbw==",
                                   "Content-Type: application/x-www-form-urlencoded"});
    EXPECT_EQ(answer.status, 403) << answer.body;
  }

  /// Drives every simulator outcome (see net/README.md), then waits until Verity counted them
  /// all. Returns the last scrape of /metrics.
  std::string drive_every_outcome() const {
    // read, 63003 (falls back to SMS), 63016, never delivered (falls back, times out again),
    // 30003, 21211, 429 twice then delivered, duplicate callbacks, delivered before sent.
    for (const auto* last4 : {"0123", "0002", "0003", "0001", "0004", "0005", "0006", "0007",
                              "0008"})
      start(last4);
    verify_with_the_code_received();
    forge_a_callback();
    call("GET", "/v1/verifications/VE_unknown"); // a 4xx on a route
    std::string scrape;
    for (auto deadline = std::chrono::steady_clock::now() + 25s;
         !traffic_complete(scrape) && std::chrono::steady_clock::now() < deadline;
         std::this_thread::sleep_for(100ms))
      scrape = test::http_call("GET", address_ + "/metrics").body;
    EXPECT_TRUE(traffic_complete(scrape)) << scrape;
    return scrape;
  }

  /// Waits up to `timeout` until each of `expressions` returns data in `prometheus`.
  static void wait_for_data(const test::prometheus_server& prometheus,
                            const std::vector<std::string>& expressions,
                            std::chrono::seconds timeout) {
    auto all_there = [&] {
      return std::all_of(expressions.begin(), expressions.end(), [&](const auto& expression) {
        return !prometheus.query(expression).value("result", json::array()).empty();
      });
    };
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!all_there() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(250ms);
    ASSERT_TRUE(all_there()) << prometheus.output();
  }

  std::filesystem::path directory_;
  std::unique_ptr<net::twilio_simulator> simulator_;
  std::unique_ptr<child_process> verity_;
  std::string address_;
};

TEST_F(prometheus_test, promtool_finds_a_real_scrape_clean) {
  auto scrape = drive_every_outcome();
  auto file = directory_ / "scrape.txt";
  std::ofstream{file} << scrape;
  child_process promtool{"/bin/sh",
                         {"-c", R"(exec "$0" check metrics < "$1" 1>&2)", VERITY_PROMTOOL,
                          file.string()},
                         {}};
  auto status = promtool.stop(0, 20s);
  ASSERT_TRUE(status) << promtool.output();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << promtool.output();
  EXPECT_EQ(promtool.output(), "");
}

TEST_F(prometheus_test, every_dashboard_query_and_alert_returns_data) {
  std::filesystem::path dashboards{VERITY_DASHBOARDS_DIR};
  test::prometheus_server prometheus{VERITY_PROMETHEUS, directory_ / "prometheus",
                                     address_.substr(std::string_view{"http://"}.size()),
                                     dashboards / "alerts.yml", 15s};
  // A scrape before the traffic (Prometheus syncs its targets after up to 5 s), so that rates
  // over the traffic have a sample on each side of it.
  wait_for_data(prometheus, {R"(up{job="verity"} == 1)"}, 10s);
  drive_every_outcome();
  std::vector<std::string> scraped;
  for (const auto& series : traffic_evidence)
    scraped.push_back(series + " > 0");
  wait_for_data(prometheus, scraped, 10s);

  auto queries = panel_queries(dashboards);
  ASSERT_GE(queries.size(), 20U);
  for (const auto& [title, query] : queries) {
    auto data = prometheus.query(concrete(query));
    EXPECT_FALSE(data.value("result", json::array()).empty())
      << "panel \"" << title << "\": " << query << "\n" << data.dump();
  }

  auto alerts = alert_expressions(read_file(dashboards / "alerts.yml"));
  ASSERT_EQ(alerts.size(), 6U);
  // This traffic is built to miss the targets: these fire (the `for` aside), and the engine is
  // up. Slow storage commits depend on the machine's disk and load, so that alert may go either
  // way here; its signal must still return data.
  std::set<std::string> firing = {"VerityDeliverySuccessLow", "VerityDeliveryTimeoutsHigh",
                                  "VerityBadSignatureCallbacks", "VerityTwilioThrottled"};
  std::set<std::string> quiet = {"VerityDown"};
  for (const auto& [name, expr] : alerts) {
    auto signal = prometheus.query(signal_of(expr));
    EXPECT_FALSE(signal.value("result", json::array()).empty())
      << name << ": " << signal_of(expr) << "\n" << signal.dump();
    auto result = prometheus.query(expr).value("result", json::array());
    if (firing.contains(name)) {
      EXPECT_FALSE(result.empty()) << name << " should fire: " << expr;
    }
    if (quiet.contains(name)) {
      EXPECT_TRUE(result.empty()) << name << " should not fire: " << expr;
    }
  }

  auto rules = prometheus.get("rules");
  ASSERT_EQ(rules.at("groups").size(), 1U) << rules.dump();
  EXPECT_EQ(rules["groups"][0]["rules"].size(), alerts.size());
  for (const auto& rule : rules["groups"][0]["rules"])
    EXPECT_NE(rule.value("health", ""), "err") << rule.dump();
}

} // namespace
} // namespace verity
