#include "net/sim/callbacks.hpp"

#include <array>
#include <atomic>
#include <ctime>
#include <mutex>
#include <optional>
#include <random>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

#include "engine/error_classification.hpp"
#include "engine/phone.hpp"
#include "net/sim/callback_pool.hpp"
#include "net/sim/signer.hpp"
#include "net/http/curl_multi.hpp"

namespace verity::net {

namespace asio = boost::asio;

namespace {

/// Pause before the one retry of a callback that could not connect.
constexpr std::chrono::milliseconds retry_delay{200};

/// "YYMMDDhhmm" in UTC, as in SMS delivery receipts.
std::string raw_dlr_date(std::chrono::system_clock::time_point at) {
  auto seconds = std::chrono::system_clock::to_time_t(at);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::array<char, 16> text{};
  auto size = std::strftime(text.data(), text.size(), "%y%m%d%H%M", &utc);
  return std::string(text.data(), size);
}

bool is_outcome(delivery_status status) {
  return status == delivery_status::delivered || status == delivery_status::undelivered
         || status == delivery_status::failed || status == delivery_status::read;
}

/// WhatsApp's own parameters.
void add_whatsapp_params(form_params& params, const sim_message& message,
                         const planned_callback& step, const std::string& install_sid) {
  params.emplace_back("ChannelPrefix", "whatsapp");
  params.emplace_back("ChannelInstallSid", install_sid);
  params.emplace_back("ChannelToAddress", message.request.to_e164);
  if (step.error_code != 0)
    params.emplace_back("ChannelStatusMessage", describe_twilio_error(step.error_code));
  if (step.status == delivery_status::delivered)
    params.emplace_back("EventType", "DELIVERED");
  if (step.status == delivery_status::read)
    params.emplace_back("EventType", "READ");
}

/// One message's callbacks on their way, each sent once the one before was answered.
struct run {
  sim_message message;
  std::vector<planned_callback> steps;
  std::function<void()> first_answered;
  std::optional<callback_target> target; ///< Where the pool sends; none: libcurl sends.
  asio::strand<asio::io_context::executor_type> strand;
  asio::steady_timer timer;
  std::size_t next = 0;
  bool retried = false;

  run(sim_message m, std::vector<planned_callback> s, std::function<void()> first,
      asio::io_context& io)
    : message(std::move(m)), steps(std::move(s)), first_answered(std::move(first)),
      target(parse_callback_url(message.request.status_callback)), strand(asio::make_strand(io)), timer(strand) {}
};

} // namespace

form_params status_callback_params(const sim_message& message, const planned_callback& step,
                                   const std::string& channel_install_sid) {
  auto status = std::string{to_string(step.status)};
  form_params params{{"MessageSid", message.sid},        {"SmsSid", message.sid},
                     {"AccountSid", message.account_sid}, {"From", message.from},
                     {"To", message.request.to},          {"ApiVersion", "2010-04-01"},
                     {"MessageStatus", status},           {"SmsStatus", status}};
  if (!message.request.messaging_service_sid.empty())
    params.emplace_back("MessagingServiceSid", message.request.messaging_service_sid);
  if (step.error_code != 0)
    params.emplace_back("ErrorCode", std::to_string(step.error_code));
  if (message.request.whatsapp)
    add_whatsapp_params(params, message, step, channel_install_sid);
  else if (is_outcome(step.status))
    params.emplace_back("RawDlrDoneDate", raw_dlr_date(std::chrono::system_clock::now()));
  return params;
}

/// What every run shares. Runs hold it strongly: it owns nothing they could outlive.
struct sim_callbacks::impl : std::enable_shared_from_this<sim_callbacks::impl> {
  impl(asio::io_context& context, sim_callback_pool& callback_pool, curl_multi& client,
       std::string token, sim_latency steps, std::uint64_t seed)
    : io(context), pool(callback_pool), http(client), signer(std::move(token)), latency(steps),
      random(seed != 0 ? seed : std::random_device{}()), install_sid(random_sid("XE")) {}

  std::chrono::milliseconds draw_delay() {
    std::lock_guard lock{random_mutex};
    auto jitter = latency.jitter.count();
    auto offset = std::uniform_int_distribution<std::int64_t>{-jitter, jitter}(random);
    return std::max(std::chrono::milliseconds{0}, latency.mean + std::chrono::milliseconds{offset});
  }

  /// Waits for the next step's turn, then sends it.
  void schedule(const std::shared_ptr<run>& r) {
    if (r->next >= r->steps.size())
      return;
    auto delay = r->steps[r->next].repeat ? std::chrono::milliseconds{0} : draw_delay();
    r->timer.expires_after(delay);
    r->timer.async_wait([self = shared_from_this(), r](const boost::system::error_code& ec) {
      if (!ec)
        self->send(r);
    });
  }

  void send(const std::shared_ptr<run>& r) {
    const auto& step = r->steps[r->next];
    auto params = status_callback_params(r->message, step, install_sid);
    const auto& url = r->message.request.status_callback;
    auto signature = signer.sign(url, params);
    auto done = [self = shared_from_this(), r](http_outcome outcome) {
      asio::post(r->strand, [self, r, outcome = std::move(outcome)] { self->on_answer(r, outcome); });
    };
    if (r->target)
      return pool.post(*r->target, encode_form(params), std::move(signature), std::move(done));
    http_call call;
    call.method = "POST";
    call.url = url;
    call.headers = {"Content-Type: application/x-www-form-urlencoded",
                    "User-Agent: TwilioProxy/1.1", "X-Twilio-Signature: " + signature};
    call.body = encode_form(params);
    call.total_timeout = std::chrono::seconds{15};
    http.start(std::move(call), std::move(done));
  }

  void on_answer(const std::shared_ptr<run>& r, const http_outcome& outcome) {
    if (outcome.connect_failed && !r->retried) {
      r->retried = true;
      ++retried;
      r->timer.expires_after(retry_delay);
      r->timer.async_wait([self = shared_from_this(), r](const boost::system::error_code& ec) {
        if (!ec)
          self->send(r);
      });
      return;
    }
    count(r, outcome);
    r->retried = false;
    ++r->next;
    if (r->first_answered)
      std::exchange(r->first_answered, {})();
    schedule(r);
  }

  void count(const std::shared_ptr<run>& r, const http_outcome& outcome) {
    if (outcome.status >= 200 && outcome.status < 300) {
      ++answered;
      return;
    }
    ++failed;
    if (!should_log_failure())
      return;
    spdlog::warn("simulator callback {} for {} to {} failed: {}",
                 to_string(r->steps[r->next].status), r->message.sid,
                 mask_phone(r->message.request.to_e164),
                 outcome.status != 0 ? "HTTP " + std::to_string(outcome.status) : outcome.error);
  }

  /// True for the first failure of each second: an overloaded receiver must not flood the log.
  bool should_log_failure() {
    auto second = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::steady_clock::now().time_since_epoch())
                    .count();
    return last_logged_second.exchange(second) != second;
  }

  asio::io_context& io;
  sim_callback_pool& pool;
  curl_multi& http;
  sim_signer signer;
  sim_latency latency;
  std::mutex random_mutex;
  std::mt19937_64 random; ///< Guarded by random_mutex.
  std::string install_sid;
  std::atomic<std::uint64_t> answered{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> retried{0};
  std::atomic<std::int64_t> last_logged_second{-1};
};

sim_callbacks::sim_callbacks(asio::io_context& io, sim_callback_pool& pool, curl_multi& http,
                             std::string auth_token, sim_latency latency, std::uint64_t seed)
  : impl_(std::make_shared<impl>(io, pool, http, std::move(auth_token), latency, seed)) {}

sim_callbacks::~sim_callbacks() = default;

void sim_callbacks::play(sim_message message, std::vector<planned_callback> steps,
                         std::function<void()> first_answered) {
  bool at_once = static_cast<bool>(first_answered);
  if (at_once && steps.empty())
    return first_answered();
  auto r = std::make_shared<run>(std::move(message), std::move(steps), std::move(first_answered),
                                 impl_->io);
  asio::post(r->strand, [self = impl_, r, at_once] {
    if (at_once)
      self->send(r);
    else
      self->schedule(r);
  });
}

callback_counts sim_callbacks::counts() const {
  auto sent = impl_->pool.counts();
  return {impl_->answered.load(), impl_->failed.load(), impl_->retried.load(),
          sent.dropped,           sent.delayed,         sent.queued,
          sent.connections_opened};
}

bool sim_callbacks::saturated() const {
  return impl_->pool.saturated();
}

} // namespace verity::net
