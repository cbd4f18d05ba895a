// Measures a running verity-twilio-sim alone: creates/s it answers and signed status
// callbacks/s it sends, while this program drives it at a fixed rate of WhatsApp creates (three
// callbacks each: sent, delivered, read) and counts the callbacks on a trivial server. With
// --sim-pid it also reads the simulator's CPU time, so the figures say how much of a core the
// simulator needed for them; at the end it prints the simulator's own counts (GET /sim/stats).
//
//   build/verity-twilio-sim --listen 127.0.0.1:4010 --account-sid AC... --auth-token t
//     --latency-ms 20 --jitter-ms 0 --log-level warn &
//   build/verity-bench-sim --api http://127.0.0.1:4010 --account-sid AC... --auth-token t
//     --rate 5000 --seconds 10 --sim-pid $!
// (each command on one line)

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/form.hpp"
#include "net/http/message.hpp"
#include "net/http/server.hpp"
#include "net/http/curl_multi.hpp"

namespace {

namespace asio = boost::asio;
using namespace verity;
using clock_type = std::chrono::steady_clock;

/// What the command line asks for.
struct bench_options {
  std::string api = "http://127.0.0.1:4010";
  std::string account_sid;
  std::string auth_token;
  double rate = 5'000;
  double seconds = 10;
  std::size_t max_in_flight = 2'000;
  int sim_pid = 0;
  unsigned receiver_threads = 2;
};

/// User + system CPU seconds of process `pid` (from /proc/PID/stat), or 0 when unknown.
double cpu_seconds(int pid) {
  if (pid <= 0)
    return 0;
  std::ifstream stat{"/proc/" + std::to_string(pid) + "/stat"};
  std::string text{std::istreambuf_iterator<char>{stat}, {}};
  auto after_name = text.rfind(')');
  if (after_name == std::string::npos)
    return 0;
  std::vector<std::string> fields;
  std::string field;
  for (auto c : text.substr(after_name + 2)) {
    if (c == ' ') {
      fields.push_back(field);
      field.clear();
    } else {
      field += c;
    }
  }
  // Fields 14 and 15 of stat (utime, stime), counted after "pid (comm)".
  return (std::stod(fields.at(11)) + std::stod(fields.at(12)))
         / static_cast<double>(sysconf(_SC_CLK_TCK));
}

/// Counts status callbacks and answers each 200 at once.
struct callback_counter final : net::request_handler {
  void handle(net::http_request, net::responder respond) override {
    auto now = clock_type::now();
    {
      std::lock_guard lock{mutex};
      if (count == 0)
        first = now;
      last = now;
      ++count;
    }
    respond({200, "text/plain", "", {}});
  }

  std::mutex mutex;
  std::uint64_t count = 0;
  clock_type::time_point first{};
  clock_type::time_point last{};
};

/// Sends create requests at a fixed rate on one io_context, keeps their latencies.
class create_driver {
public:
  create_driver(asio::io_context& io, net::curl_multi& http, const bench_options& options,
                std::string callback_url)
    : io_(io), timer_(io), http_(http), options_(options), callback_url_(std::move(callback_url)) {}

  /// Starts sending; stops after the configured seconds.
  void start() {
    started_ = clock_type::now();
    tick();
  }

  /// Waits until every request sent was answered or `limit` passed.
  void wait_done(clock_type::duration limit) {
    auto deadline = clock_type::now() + limit;
    while (clock_type::now() < deadline) {
      {
        std::lock_guard lock{mutex_};
        if (finished_sending_ && answered_ == sent_)
          return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
  }

  /// Messages created so far.
  std::uint64_t created() {
    std::lock_guard lock{mutex_};
    return created_;
  }

  /// Prints what the creates saw.
  void report() {
    std::lock_guard lock{mutex_};
    std::sort(latencies_.begin(), latencies_.end());
    auto at = [&](double q) {
        if (latencies_.empty())
        return 0.0;
      return latencies_[static_cast<std::size_t>(q * static_cast<double>(latencies_.size() - 1))];
    };
    std::chrono::duration<double> span = last_answer_ - started_;
    fmt::print("creates: {} sent, {} answered 201, {} other; {:.0f}/s over {:.2f} s; "
               "latency p50 {:.2f} ms, p99 {:.2f} ms, max {:.2f} ms\n",
               sent_, created_, answered_ - created_, static_cast<double>(created_) / span.count(),
               span.count(), at(0.5), at(0.99), at(1.0));
  }

private:
  void tick() {
    std::chrono::duration<double> elapsed = clock_type::now() - started_;
    if (elapsed.count() >= options_.seconds) {
      std::lock_guard lock{mutex_};
      finished_sending_ = true;
      return;
    }
    auto due = static_cast<std::uint64_t>(elapsed.count() * options_.rate);
    while (sent_ < due && in_flight() < options_.max_in_flight)
      send();
    timer_.expires_after(std::chrono::milliseconds{1});
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec)
        tick();
    });
  }

  std::uint64_t in_flight() {
    std::lock_guard lock{mutex_};
    return sent_ - answered_;
  }

  void send() {
    auto number = fmt::format("+1201555{:04}", 1'000 + sent_ % 9'000); // never a scenario
    net::http_call call;
    call.method = "POST";
    call.url = options_.api + "/2010-04-01/Accounts/" + options_.account_sid + "/Messages.json";
    call.headers = {"Accept: application/json", "Content-Type: application/x-www-form-urlencoded"};
    call.body = encode_form({{"To", "whatsapp:" + number},
                             {"From", "whatsapp:+14155238886"},
                             {"Body", "Your code is 409173"},
                             {"StatusCallback", callback_url_}});
    call.username = options_.account_sid;
    call.password = options_.auth_token;
    {
      std::lock_guard lock{mutex_};
      ++sent_;
    }
    http_.start(std::move(call), [this, begun = clock_type::now()](net::http_outcome outcome) {
      auto now = clock_type::now();
      std::lock_guard lock{mutex_};
      ++answered_;
      created_ += outcome.status == 201 ? 1 : 0;
      latencies_.push_back(std::chrono::duration<double, std::milli>{now - begun}.count());
      last_answer_ = now;
    });
  }

  asio::io_context& io_;
  asio::steady_timer timer_;
  net::curl_multi& http_;
  const bench_options& options_;
  std::string callback_url_;
  clock_type::time_point started_{};
  std::mutex mutex_;
  bool finished_sending_ = false;
  std::uint64_t sent_ = 0;
  std::uint64_t answered_ = 0;
  std::uint64_t created_ = 0;
  std::vector<double> latencies_;
  clock_type::time_point last_answer_{};
};

void add_options(CLI::App& app, bench_options& o) {
  app.add_option("--api", o.api, "The simulator's base URL")->capture_default_str();
  app.add_option("--account-sid", o.account_sid, "Its account SID")->required();
  app.add_option("--auth-token", o.auth_token, "Its auth token")->required();
  app.add_option("--rate", o.rate, "WhatsApp creates per second to send")->capture_default_str();
  app.add_option("--seconds", o.seconds, "How long to send")->capture_default_str();
  app.add_option("--max-in-flight", o.max_in_flight, "Creates waiting for an answer at most")
    ->capture_default_str();
  app.add_option("--sim-pid", o.sim_pid, "The simulator's process id, to read its CPU time");
  app.add_option("--receiver-threads", o.receiver_threads,
                 "Threads of the server that counts the callbacks")
    ->capture_default_str()
    ->check(CLI::Range(1U, 64U));
}

/// Prints the simulator's own counts (GET /sim/stats): refused creates, dropped or delayed
/// callbacks, connections opened.
void print_simulator_counts(net::curl_multi& http, const std::string& api) {
  std::promise<net::http_outcome> answered;
  auto answer = answered.get_future();
  net::http_call call;
  call.url = api + "/sim/stats";
  http.start(std::move(call), [&answered](net::http_outcome outcome) {
    answered.set_value(std::move(outcome));
  });
  if (answer.wait_for(std::chrono::seconds{5}) != std::future_status::ready)
    return fmt::print("simulator counts: no answer\n");
  auto outcome = answer.get();
  fmt::print("simulator counts: {}\n", outcome.status == 200 ? outcome.body : "unavailable");
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"Drives a running verity-twilio-sim and measures it.", "verity-bench-sim"};
  bench_options options;
  add_options(app, options);
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);

  asio::io_context receiver_io{static_cast<int>(options.receiver_threads)};
  callback_counter counter;
  net::http_server receiver{receiver_io, "127.0.0.1", 0, counter};
  receiver.start();
  std::vector<std::thread> receiving;
  for (unsigned i = 0; i < options.receiver_threads; ++i)
    receiving.emplace_back([&] { receiver_io.run(); });

  asio::io_context sender_io{1};
  net::curl_multi http{sender_io};
  auto callback_url = fmt::format("http://127.0.0.1:{}/v1/webhooks/twilio/status?message_id=MS1",
                                  receiver.port());
  create_driver driver{sender_io, http, options, callback_url};
  auto work = asio::make_work_guard(sender_io);
  std::thread sending{[&] { sender_io.run(); }};

  auto cpu_before = cpu_seconds(options.sim_pid);
  auto wall_before = clock_type::now();
  asio::post(sender_io, [&] { driver.start(); });
  driver.wait_done(std::chrono::duration_cast<clock_type::duration>(
    std::chrono::duration<double>{options.seconds + 30}));
  // Let the last messages' callbacks arrive: three per message, or none for 5 s.
  auto expected = 3 * driver.created();
  for (std::uint64_t seen = ~0ULL;;) {
    std::this_thread::sleep_for(std::chrono::seconds{5});
    std::lock_guard lock{counter.mutex};
    if (counter.count >= expected || counter.count == seen)
      break;
    seen = counter.count;
  }
  std::chrono::duration<double> wall = clock_type::now() - wall_before;
  auto cpu = cpu_seconds(options.sim_pid) - cpu_before;

  driver.report();
  {
    std::lock_guard lock{counter.mutex};
    std::chrono::duration<double> span = counter.last - counter.first;
    fmt::print("callbacks: {} received; {:.0f}/s over {:.2f} s\n", counter.count,
               static_cast<double>(counter.count) / std::max(span.count(), 1e-9), span.count());
  }
  print_simulator_counts(http, options.api);
  if (options.sim_pid > 0)
    fmt::print("simulator CPU: {:.2f} s in {:.2f} s wall ({:.0f}% of one core)\n", cpu,
               wall.count(), 100 * cpu / wall.count());

  work.reset();
  sender_io.stop();
  sending.join();
  receiver.stop();
  receiver_io.stop();
  for (auto& thread : receiving)
    thread.join();
  return 0;
}
