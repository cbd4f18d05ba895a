#include "net/twilio/client.hpp"

#include <map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

#include "engine/error_classification.hpp"
#include "engine/metrics.hpp"
#include "engine/phone.hpp"
#include "net/http/curl_multi.hpp"
#include "net/twilio/egress_health.hpp"

namespace verity::net {

namespace asio = boost::asio;

namespace {

using strand_type = asio::strand<asio::io_context::executor_type>;
using clock = egress_pacer::clock;

/// The answer to a message that cannot even be built: permanent.
create_result unbuildable(std::string why) {
  create_result result;
  result.http_status = 400;
  result.error_message = std::move(why);
  return result;
}

/// The answer to a message refused because the queue is full: retryable.
create_result overloaded() {
  create_result result;
  result.error_message = "egress queue full";
  return result;
}

/// The answer to a message withdrawn from the queue: it never reached Twilio.
create_result withdrawn() {
  create_result result;
  result.error_message = "withdrawn before it was sent";
  result.withdrawn = true;
  return result;
}

/// A request waiting for its turn or for Twilio's answer.
struct pending {
  message_id id;
  std::string masked_to; ///< For logs.
  http_call call;        ///< Moved out once started.
  twilio_client::completion done;
  clock::time_point started{}; ///< When it went on the wire.
};

/// One line per answer; never the phone number in full nor Twilio's message (which repeats it).
void log_answer(const pending& request, const create_result& result) {
  auto id = request.id.to_string();
  if (result.created() && !result.sid.empty())
    spdlog::debug("twilio created message {} as {} ({}) to {}", id, result.sid,
                  to_string(result.status), request.masked_to);
  else if (result.created())
    spdlog::error("twilio created message {} to {} but its answer is unreadable: {}", id,
                  request.masked_to, result.error_message);
  else if (result.http_status == 0)
    spdlog::warn("twilio unreachable for message {} to {}: {}", id, request.masked_to,
                 result.error_message);
  else
    spdlog::warn("twilio refused message {} to {}: HTTP {} code {} ({})", id, request.masked_to,
                 result.http_status, result.error_code, describe_twilio_error(result.error_code));
}

} // namespace

/// The client's state, used on its strand only. Handlers hold it weakly.
struct twilio_client::impl : std::enable_shared_from_this<twilio_client::impl> {
  impl(asio::io_context& io, curl_multi& client, twilio_client_settings configured)
    : strand(asio::make_strand(io)), timer(strand), http(client),
      settings(std::move(configured)), pacer(settings.limits) {}

  void submit(outbound_message message, completion done) {
    auto params = create_message_params(settings.account, message);
    if (!params) {
      spdlog::error("twilio message {} cannot be sent: {}", message.id.to_string(),
                    params.error());
      return done(unbuildable(params.error()));
    }
    auto number = next_number++;
    if (!pacer.enqueue(sender_of(settings.account, message.via), number, clock::now())) {
      spdlog::warn("egress queue full ({} waiting): message {} refused", pacer.queued(),
                   message.id.to_string());
      return done(overloaded());
    }
    auto call = create_message_call(settings.account, *params);
    call.connect_timeout = settings.connect_timeout;
    call.total_timeout = settings.total_timeout;
    requests.emplace(number,
                     pending{message.id, mask_phone(message.to), std::move(call), std::move(done)});
    pump();
  }

  /// Starts every request the pacer allows now, then waits for the next one it will allow.
  void pump() {
    auto now = clock::now();
    for (auto number : pacer.take_ready(now))
      start(number);
    schedule(now);
    if (settings.recorder != nullptr)
      settings.recorder->egress_depth(pacer.in_flight(), pacer.queued());
  }

  void start(std::uint64_t number) {
    auto& request = requests.at(number);
    request.started = clock::now();
    http.start(std::move(request.call),
               [self = weak_from_this(), home = strand, number](http_outcome outcome) {
                 asio::post(home, [self, number, outcome = std::move(outcome)] {
                   if (auto me = self.lock())
                     me->on_answer(number, outcome);
                 });
               });
  }

  /// Takes message `id` out of the queue if it waits there; answers what held it back.
  not_sent_reason withdraw(const message_id& id) {
    for (auto& [number, request] : requests) {
      if (request.id != id)
        continue;
      auto held = pacer.withdraw(number, clock::now());
      if (!held)
        return not_sent_reason::none; // on the wire already
      spdlog::info("twilio message {} to {} withdrawn before it was sent ({})", id.to_string(),
                   request.masked_to, to_string(*held));
      auto done = std::move(request.done);
      requests.erase(number);
      done(withdrawn());
      if (settings.recorder != nullptr)
        settings.recorder->egress_depth(pacer.in_flight(), pacer.queued());
      return *held;
    }
    return not_sent_reason::none;
  }

  void on_answer(std::uint64_t number, const http_outcome& outcome) {
    pacer.finished();
    auto request = requests.extract(number);
    auto result = read_create_response(outcome);
    log_answer(request.mapped(), result);
    if (settings.health)
      settings.health->record(result, clock::now());
    if (settings.recorder != nullptr)
      settings.recorder->twilio_request(result.created(), result.http_status, result.error_code,
                                        clock::now() - request.mapped().started);
    request.mapped().done(std::move(result));
    pump();
  }

  /// Arms the pacing timer for the next moment a sender's bucket allows a waiting request.
  void schedule(clock::time_point now) {
    auto next = pacer.next_ready(now);
    if (!next || (timer_armed && timer.expiry() <= *next))
      return;
    timer_armed = true;
    timer.expires_at(*next);
    timer.async_wait([self = weak_from_this()](const boost::system::error_code& ec) {
      if (ec == asio::error::operation_aborted)
        return;
      if (auto me = self.lock()) {
        me->timer_armed = false;
        me->pump();
      }
    });
  }

  strand_type strand;
  asio::steady_timer timer;
  bool timer_armed = false;
  curl_multi& http;
  twilio_client_settings settings;
  egress_pacer pacer;
  std::uint64_t next_number = 0;
  std::map<std::uint64_t, pending> requests;
};

twilio_client::twilio_client(asio::io_context& io, curl_multi& http,
                             twilio_client_settings settings)
  : impl_(std::make_shared<impl>(io, http, std::move(settings))) {}

twilio_client::~twilio_client() = default;

void twilio_client::create(outbound_message message, completion done) {
  asio::post(impl_->strand, [self = std::weak_ptr<impl>{impl_}, message = std::move(message),
                             done = std::move(done)]() mutable {
    if (auto me = self.lock())
      me->submit(std::move(message), std::move(done));
  });
}

void twilio_client::withdraw(message_id id, std::function<void(not_sent_reason)> done) {
  asio::post(impl_->strand, [self = std::weak_ptr<impl>{impl_}, id, done = std::move(done)] {
    auto me = self.lock();
    done(me ? me->withdraw(id) : not_sent_reason::none);
  });
}

void twilio_client::set_auth_token(std::string auth_token) {
  asio::post(impl_->strand,
             [self = std::weak_ptr<impl>{impl_}, auth_token = std::move(auth_token)]() mutable {
               if (auto me = self.lock())
                 me->settings.account.auth_token = std::move(auth_token);
             });
}

} // namespace verity::net
