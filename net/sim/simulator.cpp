#include "net/sim/simulator.hpp"

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "engine/phone.hpp"
#include "net/http/curl_multi.hpp"
#include "net/http/message.hpp"
#include "net/http/server.hpp"
#include "net/sim/create.hpp"

namespace verity::net {

namespace {

/// The sender the simulated Messaging Service picks when the request names none.
constexpr std::string_view service_sender = "+15005550006";

/// How long its own inbox keeps a message.
constexpr std::chrono::minutes own_inbox_ttl{30};

/// The route that answers the counts.
constexpr std::string_view stats_path = "/sim/stats";

/// The route that shows the latest message a simulated phone received.
constexpr std::string_view phones_prefix = "/sim/phones/";
constexpr std::string_view latest_suffix = "/latest";

/// The E.164 number of "/sim/phones/{number}/latest" ('+' written as is, as %2B or left out),
/// or nothing for another path.
std::optional<std::string> phone_of_latest_path(std::string_view path) {
  if (!path.starts_with(phones_prefix) || !path.ends_with(latest_suffix))
    return std::nullopt;
  auto number = path.substr(phones_prefix.size(),
                            path.size() - phones_prefix.size() - latest_suffix.size());
  if (number.starts_with("%2B") || number.starts_with("%2b"))
    number.remove_prefix(3);
  else if (number.starts_with('+'))
    number.remove_prefix(1);
  if (number.empty() || number.size() > 15
      || number.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  return "+" + std::string{number};
}

/// The phone's screen: {"to", "channel", "text"} of its latest message.
std::string latest_message_json(const std::string& e164, const sim_inbox_message& message) {
  return nlohmann::json{{"to", e164},
                        {"channel", message.whatsapp ? "whatsapp" : "sms"},
                        {"text", message.text}}
    .dump();
}

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

/// The counts as the stats route answers them.
std::string stats_json(const sim_stats& s) {
  const auto& c = s.callbacks;
  return nlohmann::json{{"created", s.created},
                        {"refused", s.refused},
                        {"overloaded", s.overloaded},
                        {"callbacks",
                         {{"answered", c.answered},
                          {"failed", c.failed},
                          {"retried", c.retried},
                          {"dropped", c.dropped},
                          {"delayed", c.delayed},
                          {"queued", c.queued},
                          {"connections", c.connections}}}}
    .dump();
}

/// The io_context's threads for a setting (0: one per CPU).
unsigned thread_count(unsigned configured) {
  return configured != 0 ? configured : std::max(1U, std::thread::hardware_concurrency());
}

} // namespace

/// The server, the callback sender and their io_context; `handle` answers every request.
struct twilio_simulator::impl final : request_handler {
  explicit impl(twilio_simulator_settings configured)
    : settings(std::move(configured)), threads(thread_count(settings.threads)),
      io(static_cast<int>(threads)), http(io), pool(io, settings.callback_limits),
      callbacks(io, pool, http, settings.auth_token, settings.latency,
                settings.seed != 0 ? settings.seed + 1 : 0),
      director(settings.mix, settings.seed), server(io, settings.host, settings.port, *this) {
    if (!settings.inbox)
      settings.inbox = std::make_shared<sim_inbox>(inbox_capacity, own_inbox_ttl);
  }

  void handle(http_request request, responder respond) override {
    auto path = request.path();
    if (path == stats_path && request.method == "GET")
      return respond({200, "application/json", stats_json(stats()), {}});
    if (auto phone = phone_of_latest_path(path); phone && request.method == "GET")
      return respond(latest_message(*phone));
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

  /// What the simulated phone `e164` shows last: 200 with the message, or 404.
  http_response latest_message(const std::string& e164) {
    auto found = settings.inbox->latest(e164, sim_inbox::clock::now());
    if (!found)
      return {404, "application/json", R"({"error": "no message for this phone"})", {}};
    return {200, "application/json", latest_message_json(e164, *found), {}};
  }

  void refuse(const responder& respond, const twilio_error& error) {
    ++refused;
    spdlog::debug("simulator refused a request: HTTP {} code {}", error.http_status, error.code);
    respond(error_answer(error));
  }

  void create(create_request request, responder respond) {
    if (!request.status_callback.empty() && callbacks.saturated()) {
      ++overloaded;
      return refuse(respond, {429, 20429, "Too Many Requests"});
    }
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
    if (delivers(plan))
      settings.inbox->deliver(message.sid, message.request.to_e164, as_received(message.request),
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

  sim_stats stats() const {
    return {created.load(), refused.load(), overloaded.load(), callbacks.counts()};
  }

  twilio_simulator_settings settings;
  unsigned threads;
  boost::asio::io_context io;
  curl_multi http;
  sim_callback_pool pool;
  sim_callbacks callbacks;
  sim_director director;
  http_server server;
  std::vector<std::thread> runners;
  std::atomic<std::uint64_t> created{0};
  std::atomic<std::uint64_t> refused{0};
  std::atomic<std::uint64_t> overloaded{0};
};

twilio_simulator::twilio_simulator(twilio_simulator_settings settings)
  : impl_(std::make_unique<impl>(std::move(settings))) {}

twilio_simulator::~twilio_simulator() {
  stop();
}

void twilio_simulator::start() {
  impl_->server.start();
  for (unsigned i = 0; i < impl_->threads; ++i)
    impl_->runners.emplace_back([this] { impl_->io.run(); });
}

void twilio_simulator::stop() {
  impl_->server.stop();
  impl_->io.stop();
  for (auto& runner : impl_->runners)
    runner.join();
  impl_->runners.clear();
}

std::uint16_t twilio_simulator::port() const {
  return impl_->server.port();
}

std::string twilio_simulator::base_url() const {
  const auto& host = impl_->settings.host;
  auto shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return "http://" + shown + ":" + std::to_string(port());
}

std::shared_ptr<sim_inbox> twilio_simulator::inbox() const {
  return impl_->settings.inbox;
}

sim_stats twilio_simulator::stats() const {
  return impl_->stats();
}

} // namespace verity::net
