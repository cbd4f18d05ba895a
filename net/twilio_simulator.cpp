#include "net/twilio_simulator.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "engine/phone.hpp"
#include "net/curl_multi.hpp"
#include "net/http_message.hpp"
#include "net/http_server.hpp"
#include "net/sim_create.hpp"

namespace verity::net {

namespace {

/// The sender the simulated Messaging Service picks when the request names none.
constexpr std::string_view service_sender = "+15005550006";

/// The AccountSid of ".../Accounts/{AccountSid}/Messages.json", or nothing for another path.
std::optional<std::string_view> account_of_messages_path(std::string_view path) {
  constexpr std::string_view prefix = "/2010-04-01/Accounts/";
  constexpr std::string_view suffix = "/Messages.json";
  if (!path.starts_with(prefix) || !path.ends_with(suffix)
      || path.size() <= prefix.size() + suffix.size())
    return std::nullopt;
  auto sid = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
  if (sid.find('/') != std::string_view::npos)
    return std::nullopt;
  return sid;
}

http_response error_answer(const twilio_error& error) {
  http_response response{error.http_status, "application/json", twilio_error_body(error), {}};
  if (error.http_status == 429)
    response.headers.emplace_back("Retry-After", "1");
  return response;
}

/// The synchronous error a plan asks for.
twilio_error planned_error(const sim_plan& plan, const create_request& request) {
  if (plan.error_code == 21211)
    return {plan.http_status, plan.error_code,
            "The 'To' number " + request.to + " is not a valid phone number."};
  return {plan.http_status, plan.error_code, "Too Many Requests"};
}

/// True when `plan` reports the message delivered at some point.
bool delivers(const sim_plan& plan) {
  return std::any_of(plan.callbacks.begin(), plan.callbacks.end(), [](const auto& callback) {
    return callback.status == delivery_status::delivered;
  });
}

/// The message as the recipient's phone shows it.
sim_inbox_message as_received(const create_request& request) {
  auto text = request.content_sid.empty() ? request.body
                                          : render_otp_template(request.content_variables);
  return {request.whatsapp, std::move(text)};
}

/// The address a message goes out from.
std::string sender_for(const create_request& request) {
  if (!request.from.empty())
    return request.from;
  return request.whatsapp ? to_whatsapp_address(service_sender) : std::string{service_sender};
}

} // namespace

/// The server, the callback sender and their io_context; `handle` answers every request.
struct twilio_simulator::impl final : request_handler {
  explicit impl(twilio_simulator_settings configured)
    : settings(std::move(configured)), io(1), http(io),
      callbacks(io, http, settings.auth_token, settings.latency,
                settings.seed != 0 ? settings.seed + 1 : 0),
      director(settings.mix, settings.seed), server(io, settings.host, settings.port, *this) {}

  void handle(http_request request, responder respond) override {
    auto path = request.path();
    auto sid = account_of_messages_path(path);
    if (!sid)
      return refuse(respond, {404, 20404,
                              "The requested resource " + std::string{path} + " was not found"});
    if (request.method != "POST")
      return refuse(respond, {405, 20004, "Method not allowed"});
    if (auto problem = check_account(request.header("Authorization"), *sid,
                                     settings.account_sid, settings.auth_token))
      return refuse(respond, *problem);
    auto params = parse_form(request.body);
    if (!params)
      return refuse(respond, {400, 21604, "A 'To' phone number is required."});
    auto checked = check_create(*params);
    if (!checked)
      return refuse(respond, checked.error());
    create(std::move(*checked), std::move(respond));
  }

  void refuse(const responder& respond, const twilio_error& error) {
    ++refused;
    spdlog::debug("simulator refused a request: HTTP {} code {}", error.http_status, error.code);
    respond(error_answer(error));
  }

  void create(create_request request, responder respond) {
    sim_request_kind kind{request.whatsapp, !request.content_sid.empty(),
                          !request.messaging_service_sid.empty()};
    auto plan = director.decide(request.to_e164, kind, std::chrono::steady_clock::now());
    if (plan.http_status != 201)
      return refuse(respond, planned_error(plan, request));
    sim_message message{random_sid("SM"), settings.account_sid, std::move(request), "",
                        kind.via_service ? delivery_status::accepted : delivery_status::queued,
                        std::chrono::system_clock::now()};
    message.from = sender_for(message.request);
    ++created;
    remember(message.request);
    if (settings.inbox && delivers(plan))
      settings.inbox->deliver(message.sid, as_received(message.request),
                              std::chrono::steady_clock::now());
    spdlog::debug("simulator created {} to {}", message.sid, mask_phone(message.request.to_e164));
    if (plan.answer_delay > std::chrono::milliseconds{0})
      return answer_later(std::move(message), std::move(plan), std::move(respond));
    answer(std::move(message), std::move(plan), std::move(respond));
  }

  /// Answers 201 once the plan's delay has passed, without holding up other requests.
  void answer_later(sim_message message, sim_plan plan, responder respond) {
    auto timer = std::make_shared<boost::asio::steady_timer>(io, plan.answer_delay);
    timer->async_wait([this, timer, message = std::move(message), plan = std::move(plan),
                       respond = std::move(respond)](const boost::system::error_code& ec) mutable {
      if (!ec)
        answer(std::move(message), std::move(plan), std::move(respond));
    });
  }

  /// Answers 201 and plays the callbacks, the first one before the answer when asked.
  void answer(sim_message message, sim_plan plan, responder respond) {
    http_response created_answer{201, "application/json", message_resource_json(message), {}};
    if (message.request.status_callback.empty())
      return respond(std::move(created_answer));
    if (plan.callback_first) {
      callbacks.play(std::move(message), std::move(plan.callbacks),
                     [respond = std::move(respond), created_answer = std::move(created_answer)] {
                       respond(created_answer);
                     });
      return;
    }
    respond(std::move(created_answer));
    callbacks.play(std::move(message), std::move(plan.callbacks));
  }

  /// Keeps `request`'s Body as its number's latest, forgetting the oldest number when full.
  void remember(const create_request& request) {
    std::lock_guard lock{inbox_mutex};
    auto [entry, added] = inbox.insert_or_assign(request.to_e164, request.body);
    if (!added)
      return;
    inbox_order.push_back(entry->first);
    if (inbox_order.size() > inbox_capacity) {
      inbox.erase(inbox_order.front());
      inbox_order.pop_front();
    }
  }

  twilio_simulator_settings settings;
  boost::asio::io_context io;
  curl_multi http;
  sim_callbacks callbacks;
  sim_director director;
  http_server server;
  std::thread runner;
  std::atomic<std::uint64_t> created{0};
  std::atomic<std::uint64_t> refused{0};
  mutable std::mutex inbox_mutex;
  std::map<std::string, std::string> inbox; ///< Latest Body by number; guarded by inbox_mutex.
  std::deque<std::string> inbox_order;      ///< Numbers in `inbox`, oldest first; same guard.
};

twilio_simulator::twilio_simulator(twilio_simulator_settings settings)
  : impl_(std::make_unique<impl>(std::move(settings))) {}

twilio_simulator::~twilio_simulator() {
  stop();
}

void twilio_simulator::start() {
  impl_->server.start();
  impl_->runner = std::thread{[this] { impl_->io.run(); }};
}

void twilio_simulator::stop() {
  impl_->server.stop();
  impl_->io.stop();
  if (impl_->runner.joinable())
    impl_->runner.join();
}

std::uint16_t twilio_simulator::port() const {
  return impl_->server.port();
}

std::string twilio_simulator::base_url() const {
  const auto& host = impl_->settings.host;
  auto shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return "http://" + shown + ":" + std::to_string(port());
}

std::optional<std::string> twilio_simulator::last_body(const std::string& e164) const {
  std::lock_guard lock{impl_->inbox_mutex};
  auto found = impl_->inbox.find(e164);
  if (found == impl_->inbox.end())
    return std::nullopt;
  return found->second;
}

sim_stats twilio_simulator::stats() const {
  return {impl_->created.load(), impl_->refused.load(), impl_->callbacks.counts()};
}

} // namespace verity::net
