// verity-twilio-sim: a stand-in for Twilio's Messages API with signed status callbacks, for
// development, end-to-end tests and benchmarks. Point Verity at it with TWILIO_API_BASE and the
// same TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN.

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <fstream>
#include <string>
#include <system_error>
#include <thread>

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "app/logging.hpp"
#include "config/config_values.hpp"
#include "net/sim/create.hpp"
#include "net/sim/simulator.hpp"

namespace {

/// The command line's values before they are checked.
struct sim_options {
  std::string listen = "127.0.0.1:0";
  std::string account_sid;
  std::string auth_token;
  std::uint32_t latency_ms = 200;
  std::uint32_t jitter_ms = 100;
  double fail_rate = 0;
  double timeout_rate = 0;
  double throttle_rate = 0;
  std::uint32_t throttle_tries = 2;
  std::uint32_t slow_ms = 15'000;
  std::uint32_t burst_ms = 1'000;
  std::uint64_t seed = 0;
  unsigned threads = std::max(1U, std::thread::hardware_concurrency());
  std::size_t callback_connections = 32;
  std::size_t callback_queue = 20'000;
  std::string token_file = "verity-twilio-sim.token";
  std::string log_level = "info";
};

void add_options(CLI::App& app, sim_options& o) {
  app.add_option("--listen", o.listen, "HOST:PORT to listen on (port 0: any free port)")
    ->capture_default_str();
  app.add_option("--account-sid", o.account_sid, "Account SID it accepts (default: generated)")
    ->envname("TWILIO_ACCOUNT_SID");
  app.add_option("--auth-token", o.auth_token, "Auth token it accepts and signs callbacks with "
                                               "(default: generated)")
    ->envname("TWILIO_AUTH_TOKEN");
  app.add_option("--latency-ms", o.latency_ms, "Mean time between two callbacks of a message")
    ->capture_default_str();
  app.add_option("--jitter-ms", o.jitter_ms, "Latency varies uniformly by up to this much")
    ->capture_default_str();
  app.add_option("--fail-rate", o.fail_rate, "Share of other numbers undelivered (30003)")
    ->check(CLI::Range(0.0, 1.0));
  app.add_option("--timeout-rate", o.timeout_rate, "Share of other numbers never delivered")
    ->check(CLI::Range(0.0, 1.0));
  app.add_option("--throttle-rate", o.throttle_rate, "Share of other requests answered 429")
    ->check(CLI::Range(0.0, 1.0));
  app.add_option("--throttle-tries", o.throttle_tries,
                 "Tries a ...0006 number is answered 429 before it succeeds")
    ->capture_default_str();
  app.add_option("--slow-ms", o.slow_ms, "How late the 201 to a ...0010 number comes")
    ->capture_default_str();
  app.add_option("--burst-ms", o.burst_ms,
                 "How long a ...0011 request gets every create request answered 429")
    ->capture_default_str();
  app.add_option("--seed", o.seed, "Seed of outcomes and latencies (0: random)");
  app.add_option("--threads", o.threads, "Threads serving requests and sending callbacks")
    ->capture_default_str()
    ->check(CLI::Range(1U, 256U));
  app.add_option("--callback-connections", o.callback_connections,
                 "Keep-alive connections per callback host:port at most")
    ->capture_default_str()
    ->check(CLI::Range(std::size_t{1}, std::size_t{10'000}));
  app.add_option("--callback-queue", o.callback_queue,
                 "Callbacks waiting for a connection at most; when full, new messages get 429")
    ->capture_default_str()
    ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
  app.add_option("--token-file", o.token_file,
                 "Where a generated auth token is written (mode 0600)")
    ->capture_default_str();
  app.add_option("--log-level", o.log_level, "trace, debug, info, warn, error or off")
    ->capture_default_str();
}

/// The simulator's settings from checked options, or a line saying what is wrong.
tl::expected<verity::net::twilio_simulator_settings, std::string> to_settings(sim_options o) {
  auto listen = verity::parse_endpoint(o.listen);
  if (!listen)
    return tl::unexpected("--listen: " + listen.error());
  if (auto sid = verity::parse_sid(o.account_sid, "AC"); !sid)
    return tl::unexpected("--account-sid: " + sid.error());
  if (o.fail_rate + o.timeout_rate + o.throttle_rate > 1.0)
    return tl::unexpected(std::string{"--fail-rate, --timeout-rate and --throttle-rate add up to "
                                      "more than 1"});
  verity::net::twilio_simulator_settings settings;
  settings.host = listen->host;
  settings.port = listen->port;
  settings.account_sid = o.account_sid.empty() ? verity::net::random_sid("AC") : o.account_sid;
  settings.auth_token = o.auth_token.empty() ? verity::net::random_sid("")
                                             : o.auth_token;
  settings.latency = {std::chrono::milliseconds{o.latency_ms},
                      std::chrono::milliseconds{o.jitter_ms}};
  settings.mix = {o.fail_rate,
                  o.timeout_rate,
                  o.throttle_rate,
                  o.throttle_tries,
                  std::chrono::milliseconds{o.slow_ms},
                  std::chrono::milliseconds{o.burst_ms}};
  settings.seed = o.seed;
  settings.threads = o.threads;
  settings.callback_limits.connections_per_host = o.callback_connections;
  settings.callback_limits.max_queued = o.callback_queue;
  return settings;
}

/// Writes a generated token to `path`, readable by its owner only; false when it cannot.
bool write_token_file(const std::string& path, const std::string& token) {
  auto old_mask = umask(0077);
  std::ofstream file{path, std::ios::trunc};
  umask(old_mask);
  file << token << '\n';
  return static_cast<bool>(file.flush());
}

/// How the start line names the auth token: never the secret itself.
std::string describe_token(const sim_options& o, const std::string& token) {
  if (!o.auth_token.empty())
    return "the given auth token";
  if (!write_token_file(o.token_file, token))
    throw std::runtime_error("cannot write the generated auth token to " + o.token_file);
  return "a generated auth token (written to " + o.token_file + ")";
}

/// Blocks SIGINT and SIGTERM (in every thread started later) and returns their set.
sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"A Twilio Messages API simulator with signed status callbacks.",
               "verity-twilio-sim"};
  app.footer(std::string{verity::net::sim_scenario_table()});
  sim_options options;
  add_options(app, options);
  CLI11_PARSE(app, argc, argv);

  auto level = verity::parse_severity(options.log_level);
  auto settings = to_settings(options);
  if (!level || !settings) {
    spdlog::error("{}", !level ? "--log-level: " + level.error() : settings.error());
    return 2;
  }
  verity::setup_logging(*level);
  auto signals = block_stop_signals();
  try {
    auto token = describe_token(options, settings->auth_token);
    verity::net::twilio_simulator simulator{*settings};
    simulator.start();
    spdlog::info("verity-twilio-sim listening on {} (account {}, {}, {} threads)",
                 simulator.base_url(), settings->account_sid, token, settings->threads);
    int received = 0;
    sigwait(&signals, &received);
    spdlog::info("received signal {}: shutting down", received);
    simulator.stop();
    auto stats = simulator.stats();
    spdlog::info("created {}, refused {} ({} overloaded); callbacks answered {}, failed {} "
                 "({} dropped), {} delayed; {} connections opened",
                 stats.created, stats.refused, stats.overloaded, stats.callbacks.answered,
                 stats.callbacks.failed, stats.callbacks.dropped, stats.callbacks.delayed,
                 stats.callbacks.connections);
  } catch (const std::exception& error) {
    spdlog::error("verity-twilio-sim failed to start: {}", error.what());
    return 1;
  }
  return 0;
}
