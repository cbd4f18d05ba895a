#include "tests/support/recording_twilio.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
#include <queue>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "engine/form.hpp"
#include "engine/twilio_signature.hpp"
#include "net/api/router.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/io_thread.hpp"

namespace verity::test {

namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

constexpr const char* messages_path = "/2010-04-01/Accounts/{sid}/Messages.json";
constexpr int workers = 4;
constexpr auto callback_spacing = 20ms;
constexpr auto callback_retry = 100ms;
constexpr auto callback_patience = 30s;

/// Work due at a time: answering a create, or posting a callback.
struct task {
  steady::time_point due;
  std::function<void()> run;
  bool operator>(const task& other) const { return due > other.due; }
};

/// The first run of digits in `text`.
std::string first_digits(std::string_view text) {
  auto begin = text.find_first_of("0123456789");
  if (begin == std::string_view::npos)
    return {};
  auto end = text.find_first_not_of("0123456789", begin);
  return std::string{text.substr(begin, end == std::string_view::npos ? end : end - begin)};
}

/// The message id in a StatusCallback URL ("...status?message_id=ID").
std::string message_id_in(std::string_view url) {
  auto at = url.find("message_id=");
  return at == std::string_view::npos ? std::string{} : std::string{url.substr(at + 11)};
}

} // namespace

struct recording_twilio::impl {
  impl(std::string account, std::string token, std::chrono::milliseconds max_delay)
    : account_sid(std::move(account)), auth_token(std::move(token)),
      delay(0, static_cast<int>(max_delay.count())) {
    routes.add("POST", messages_path,
               [this](const net::http_request& request, net::responder respond) {
                 on_create(request, std::move(respond));
               });
    for (int i = 0; i < workers; ++i)
      threads.emplace_back([this] { work(); });
  }

  ~impl() {
    {
      std::lock_guard lock{mutex};
      stopping = true;
    }
    changed.notify_all();
    for (auto& thread : threads)
      thread.join();
  }

  void on_create(const net::http_request& request, net::responder respond) {
    auto form = parse_form(request.body).value_or(form_params{});
    auto url = std::string{find_param(form, "StatusCallback").value_or("")};
    auto to = std::string{find_param(form, "To").value_or("")};
    char sid[35];
    std::snprintf(sid, sizeof sid, "SM%032x", ++created);
    std::lock_guard lock{mutex};
    recorded_create create{message_id_in(url), first_digits(find_param(form, "Body").value_or("")),
                           sid, epoch};
    creates.push_back(create);
    auto answer_at = steady::now() + std::chrono::milliseconds{delay(random)};
    schedule(answer_at, [respond = std::move(respond), sid = create.sid] {
      respond(net::http_response{201, "application/json",
                                 nlohmann::json{{"sid", sid}, {"status", "queued"}}.dump(), {}});
    });
    int step = 0;
    for (const char* status : {"sent", "delivered", "read"}) {
      form_params params{{"MessageSid", create.sid}, {"MessageStatus", status}, {"To", to},
                         {"AccountSid", account_sid}};
      auto due = answer_at + ++step * callback_spacing;
      schedule(due, [this, url, params, due] { post(url, params, due + callback_patience); });
    }
  }

  /// Posts one callback; tries again later unless acknowledged or past `give_up`.
  void post(const std::string& url, const form_params& params, steady::time_point give_up) {
    auto posted_in = current_epoch();
    auto answer = http_call("POST", url, encode_form(params),
                            {"Content-Type: application/x-www-form-urlencoded",
                             "X-Twilio-Signature: "
                               + compute_twilio_signature(auth_token, url, params)});
    std::lock_guard lock{mutex};
    if (answer.status >= 200 && answer.status < 300) {
      acked.push_back({message_id_in(url),
                       std::string{find_param(params, "MessageStatus").value_or("")}, posted_in});
      return;
    }
    if (steady::now() < give_up && !stopping)
      schedule(steady::now() + callback_retry,
               [this, url, params, give_up] { post(url, params, give_up); });
  }

  int current_epoch() {
    std::lock_guard lock{mutex};
    return epoch;
  }

  /// Queues `run` for `due` (the mutex is held).
  void schedule(steady::time_point due, std::function<void()> run) {
    tasks.push({due, std::move(run)});
    changed.notify_one();
  }

  /// One worker: runs each task when it is due, until stopping.
  void work() {
    std::unique_lock lock{mutex};
    while (!stopping) {
      if (tasks.empty()) {
        changed.wait(lock);
        continue;
      }
      // A copy: wait_until reads its deadline while the lock is released, and a task pushed
      // meanwhile can reallocate the queue under a reference to its top.
      auto due = tasks.top().due;
      if (due > steady::now()) {
        changed.wait_until(lock, due);
        continue;
      }
      auto next = tasks.top();
      tasks.pop();
      lock.unlock();
      next.run();
      lock.lock();
    }
  }

  std::string account_sid;
  std::string auth_token;
  std::uniform_int_distribution<int> delay;
  std::minstd_rand random{std::random_device{}()};
  std::atomic<unsigned> created{0};
  net::router routes;
  mutable std::mutex mutex;
  std::condition_variable changed;
  std::priority_queue<task, std::vector<task>, std::greater<>> tasks;
  std::vector<recorded_create> creates;
  std::vector<acknowledged_callback> acked;
  int epoch = 0;
  bool stopping = false;
  std::vector<std::thread> threads;
  test_server server{routes}; ///< Last: it stops first, before what its handler uses.
};

recording_twilio::recording_twilio(std::string account_sid, std::string auth_token,
                                   std::chrono::milliseconds max_answer_delay)
  : impl_(std::make_unique<impl>(std::move(account_sid), std::move(auth_token),
                                 max_answer_delay)) {
}

recording_twilio::~recording_twilio() = default;

std::string recording_twilio::base_url() const {
  return impl_->server.url("");
}

void recording_twilio::set_epoch(int epoch) {
  std::lock_guard lock{impl_->mutex};
  impl_->epoch = epoch;
}

std::vector<recorded_create> recording_twilio::creates() const {
  std::lock_guard lock{impl_->mutex};
  return impl_->creates;
}

std::vector<acknowledged_callback> recording_twilio::acknowledged() const {
  std::lock_guard lock{impl_->mutex};
  return impl_->acked;
}

} // namespace verity::test
