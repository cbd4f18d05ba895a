// verity-load: drives Verity's HTTP API (or any server, for reference) with keep-alive
// connections, in open loop at a fixed rate (latency from each request's intended send time)
// or in closed loop as fast as it answers, and reports acknowledged requests/s, latency
// quantiles and answers by status. See bench/README.md.
//
//   build/verity-load --url http://127.0.0.1:8080 --scenario send --api-key KEY --duration 10

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench/load_runner.hpp"
#include "bench/load_setup.hpp"
#include "bench/verity_scenarios.hpp"

namespace {

using namespace verity::bench;

/// The command line.
struct load_options {
  std::string url = "http://127.0.0.1:8080";
  std::string scenario = "send";
  double rate = 0;
  unsigned connections = 32;
  unsigned threads = 1;
  double duration_s = 10;
  std::uint64_t requests = 0;
  std::string api_key;
  std::string auth_token;
  std::string account_sid = "AC00000000000000000000000000000000";
  std::string from = "+15005550006";
  std::string public_url;
  std::uint64_t setup = 2000;
  std::uint64_t first_number = 0;
  std::string channel = "whatsapp";
  std::string fate;
  std::string path = "/";
  std::string json_file;
};

void add_options(CLI::App& app, load_options& o) {
  app.add_option("--url", o.url, "Server base URL (http://127.0.0.1:PORT)")->capture_default_str();
  app.add_option("--scenario", o.scenario,
                 "send, compat, status, callback, compat-status, compat-callback or plain")
    ->check(CLI::IsMember(
      {"send", "compat", "status", "callback", "compat-status", "compat-callback", "plain"}))
    ->capture_default_str();
  app.add_option("--rate", o.rate, "Requests/s in open loop; 0: closed loop, as fast as answered")
    ->capture_default_str();
  app.add_option("--connections", o.connections, "Keep-alive connections")->capture_default_str();
  app.add_option("--threads", o.threads, "Client threads, each with its own connections")
    ->capture_default_str();
  app.add_option("--duration", o.duration_s, "Seconds to send for")->capture_default_str();
  app.add_option("--requests", o.requests, "Stop after this many requests (0: no limit)");
  app.add_option("--api-key", o.api_key, "Bearer key for /v1")->envname("VERITY_BENCH_API_KEY");
  app.add_option("--auth-token", o.auth_token, "Twilio auth token to sign callbacks with")
    ->envname("TWILIO_AUTH_TOKEN");
  app.add_option("--account-sid", o.account_sid, "AccountSid in callbacks")
    ->envname("TWILIO_ACCOUNT_SID");
  app.add_option("--from", o.from, "Sender in callbacks")->capture_default_str();
  app.add_option("--public-url", o.public_url,
                 "Base URL Verity checks signatures against (default: --url)");
  app.add_option("--setup", o.setup,
                 "Verifications (compat: messages) created first for the status and callback runs")
    ->capture_default_str();
  app.add_option("--first-number", o.first_number,
                 "Index of the first phone number (keep runs against one data dir apart)")
    ->capture_default_str();
  app.add_option("--channel", o.channel, "Channel of send (whatsapp, sms or auto)")
    ->capture_default_str();
  app.add_option("--fate", o.fate,
                 "Numbers the simulator delivers or never delivers (default: never for callback "
                 "runs, whose callbacks the load generator sends; delivered otherwise)")
    ->check(CLI::IsMember({"delivered", "never"}));
  app.add_option("--path", o.path, "Path of plain")->capture_default_str();
  app.add_option("--json", o.json_file, "Also write the report as JSON to this file");
}

/// The plan for the URL and options, or throws std::invalid_argument for a URL it cannot use.
load_plan plan_of(const load_options& o) {
  constexpr std::string_view scheme = "http://";
  if (!o.url.starts_with(scheme))
    throw std::invalid_argument("--url must start with http://");
  auto authority = o.url.substr(scheme.size());
  authority = authority.substr(0, authority.find('/'));
  auto colon = authority.rfind(':');
  if (colon == std::string::npos)
    throw std::invalid_argument("--url needs an explicit port");
  load_plan plan;
  plan.host = authority.substr(0, colon);
  plan.port = static_cast<std::uint16_t>(std::stoul(authority.substr(colon + 1)));
  plan.rate = o.rate;
  plan.connections = o.connections;
  plan.threads = o.threads;
  plan.duration = std::chrono::duration_cast<std::chrono::nanoseconds>(
    std::chrono::duration<double>(o.duration_s));
  plan.requests = o.requests;
  return plan;
}

/// The numbers a run sends to.
phone_fate fate_of(const load_options& o) {
  if (o.fate.empty())
    return o.scenario.ends_with("callback") ? phone_fate::never_delivered : phone_fate::delivered;
  return o.fate == "never" ? phone_fate::never_delivered : phone_fate::delivered;
}

/// The verifications (or, on the compatibility routes, messages) a status or callback run
/// refers to.
std::vector<created_verification> set_up(const load_options& o, const load_plan& plan) {
  setup_plan setup{plan, o.api_key, o.setup, o.first_number, fate_of(o)};
  auto created = o.scenario.starts_with("compat") ? create_compat_messages(setup)
                                                  : create_verifications(setup);
  if (created.empty())
    throw std::runtime_error("setup created no verification");
  return created;
}

/// The scenario the options name, after its setup phase if it has one.
std::unique_ptr<scenario> scenario_of(const load_options& o, const load_plan& plan) {
  if (o.scenario == "send")
    return send_verifications(o.api_key, o.first_number, fate_of(o), o.channel);
  if (o.scenario == "compat")
    return compat_sends(o.first_number, fate_of(o), o.channel == "sms" ? "sms" : "whatsapp");
  if (o.scenario == "plain")
    return plain_gets(o.path);
  auto created = set_up(o, plan);
  if (o.scenario == "status")
    return status_reads(o.api_key, created);
  if (o.scenario == "compat-status")
    return compat_status_reads(created);
  auto route = o.scenario == "callback" ? callback_route::v1 : callback_route::compat;
  return status_callbacks(created, route, o.auth_token,
                          o.public_url.empty() ? o.url : o.public_url, o.account_sid, o.from);
}

void write_json(const std::string& file, const load_report& report) {
  std::ofstream out{file};
  out << to_json(report).dump(2) << '\n';
  if (!out)
    throw std::runtime_error("cannot write " + file);
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"Drives Verity's HTTP API (or a reference server) and reports what it saw.",
               "verity-load"};
  load_options options;
  add_options(app, options);
  CLI11_PARSE(app, argc, argv);
  try {
    auto plan = plan_of(options);
    auto source = scenario_of(options, plan);
    auto report = run_load(plan, *source, options.scenario);
    fmt::print("{}", to_text(report));
    if (!options.json_file.empty())
      write_json(options.json_file, report);
  } catch (const std::exception& error) {
    fmt::print(stderr, "verity-load: {}\n", error.what());
    return 1;
  }
  return 0;
}
