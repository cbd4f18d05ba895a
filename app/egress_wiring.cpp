#include "app/egress_wiring.hpp"

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <spdlog/spdlog.h>

#include "net/api/simulated_phones.hpp"
#include "net/sim/create.hpp"
#include "net/sim/inbox.hpp"
#include "net/sim/simulator.hpp"
#include "net/twilio/client.hpp"
#include "net/http/curl_multi.hpp"
#include "net/twilio/egress_actor.hpp"
#include "net/twilio/egress_health.hpp"

namespace verity {

namespace {

/// The sender the simulator stands in with when none is configured (Twilio's magic test number).
constexpr const char* simulated_sender = "+15005550006";

/// The client's settings for the configured Twilio account, counted in `recorder`.
net::twilio_client_settings real_twilio(const config& settings, std::string public_url,
                                        metrics* recorder) {
  net::twilio_client_settings client;
  client.recorder = recorder;
  client.health = std::make_shared<net::egress_health>();
  auto& account = client.account;
  account.api_base = settings.twilio.api_base;
  account.account_sid = settings.twilio.account_sid;
  account.auth_token = settings.twilio.auth_token;
  account.sms_from = settings.twilio.phone_number;
  account.whatsapp_from = settings.twilio.whatsapp_number;
  account.messaging_service_sid = settings.twilio.messaging_service_sid;
  account.whatsapp_template_sid = settings.twilio.whatsapp_template_sid;
  account.public_url = std::move(public_url);
  auto per_second = static_cast<double>(settings.twilio.messages_per_second);
  client.limits.default_pace = {per_second, per_second};
  client.limits.max_in_flight = settings.twilio.max_in_flight;
  client.limits.max_queued = settings.twilio.max_queued;
  return client;
}

/// Messages the simulated phones keep for the demo page, and for how long.
constexpr std::size_t inbox_capacity = 10'000;
constexpr std::chrono::minutes inbox_ttl{30};

/// The built-in simulator's inbox as the demo page reads it.
class inbox_phones final : public net::simulated_phones {
public:
  explicit inbox_phones(std::shared_ptr<net::sim_inbox> inbox) : inbox_(std::move(inbox)) {}

  std::optional<net::simulated_message> find(const std::string& sid) const override {
    auto message = inbox_->find(sid, net::sim_inbox::clock::now());
    if (!message)
      return std::nullopt;
    return net::simulated_message{message->whatsapp, std::move(message->text)};
  }

private:
  std::shared_ptr<net::sim_inbox> inbox_;
};

/// Starts the built-in simulator and points the client's settings at it: a generated account,
/// stand-in senders and template where none are configured, no pacing beyond the sandbox's.
/// Messages it delivers are kept in `inbox`.
std::unique_ptr<net::twilio_simulator> start_simulator(net::twilio_client_settings& client,
                                                       std::shared_ptr<net::sim_inbox> inbox) {
  net::twilio_simulator_settings simulated;
  simulated.inbox = std::move(inbox);
  simulated.account_sid = net::random_sid("AC");
  simulated.auth_token = net::random_sid("");
  auto simulator = std::make_unique<net::twilio_simulator>(simulated);
  simulator->start();
  auto& account = client.account;
  account.api_base = simulator->base_url();
  account.account_sid = simulated.account_sid;
  account.auth_token = simulated.auth_token;
  if (account.sms_from.empty())
    account.sms_from = simulated_sender;
  if (account.whatsapp_from.empty())
    account.whatsapp_from = simulated_sender;
  if (account.whatsapp_template_sid.empty())
    account.whatsapp_template_sid = net::random_sid("HX");
  client.limits.default_pace = {1'000'000, 1'000'000};
  spdlog::info("built-in Twilio simulator listening on {} (account {})", account.api_base,
               account.account_sid);
  return simulator;
}

} // namespace

std::string callback_base_url(const config& settings, std::uint16_t bound_port) {
  auto origin = settings.origins.find(key_id::public_url);
  if (origin != settings.origins.end() && origin->second.kind != source_kind::default_value)
    return settings.public_url;
  return "http://" + endpoint{settings.listen.host, bound_port}.to_string();
}

struct egress_stack::impl {
  impl(const config& settings, std::string public_url, boost::asio::io_context& io,
       caf::actor_system& actors, metrics* recorder)
    : system(actors), client_settings(real_twilio(settings, std::move(public_url), recorder)),
      inbox(settings.uses_simulator()
              ? std::make_shared<net::sim_inbox>(inbox_capacity, inbox_ttl)
              : nullptr),
      simulator(settings.uses_simulator() ? start_simulator(client_settings, inbox) : nullptr),
      http(io), client(io, http, client_settings), actor(net::spawn_egress(actors, client)) {}

  ~impl() {
    caf::scoped_actor self{system};
    self->send_exit(actor, caf::exit_reason::user_shutdown);
    self->wait_for(actor);
  }

  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  caf::actor_system& system;
  net::twilio_client_settings client_settings;
  std::shared_ptr<net::sim_inbox> inbox;
  std::unique_ptr<net::twilio_simulator> simulator;
  net::curl_multi http;
  net::twilio_client client;
  egress_actor actor;
};

egress_stack::egress_stack(const config& settings, std::string public_url,
                           boost::asio::io_context& io, caf::actor_system& system,
                           metrics* recorder)
  : impl_(std::make_unique<impl>(settings, std::move(public_url), io, system, recorder)) {}

egress_stack::~egress_stack() = default;

const egress_actor& egress_stack::actor() const {
  return impl_->actor;
}

void egress_stack::set_auth_token(std::string auth_token) {
  if (impl_->simulator)
    return;
  impl_->client.set_auth_token(std::move(auth_token));
}

const std::string& egress_stack::auth_token() const {
  return impl_->client_settings.account.auth_token;
}

bool egress_stack::has_whatsapp_template() const {
  return !impl_->client_settings.account.whatsapp_template_sid.empty();
}

std::shared_ptr<const net::egress_health> egress_stack::health() const {
  return impl_->client_settings.health;
}

std::shared_ptr<const net::simulated_phones> egress_stack::inbox() const {
  if (!impl_->inbox)
    return nullptr;
  return std::make_shared<inbox_phones>(impl_->inbox);
}

} // namespace verity
