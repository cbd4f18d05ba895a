#include "tests/fuzz/route_harness.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "engine/form.hpp"
#include "engine/routing.hpp"
#include "engine/twilio_signature.hpp"
#include "net/api/context.hpp"
#include "net/api/router.hpp"
#include "net/api/routes.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/net/api/fake_actors.hpp"

namespace verity::fuzz {

namespace {

using namespace std::chrono_literals;
using net::test::answer;
using net::test::fail;

constexpr std::string_view public_url = "https://verity.example";
constexpr std::string_view auth_token = "fuzz-token";
constexpr std::string_view known_phone = "+12015550123";
constexpr std::size_t shard_count = 2;

/// Engine errors the fake can answer with, picked by the script's outcome.
constexpr std::array engine_errors = {ec::not_found,      ec::opted_out,      ec::rate_limited,
                                      ec::max_attempts_reached, ec::overloaded,
                                      ec::storage_failed, ec::invalid_request};

/// A fixed point in time for the answers (2026-01-01T00:00:00Z).
const timestamp created{std::chrono::milliseconds{1'767'225'600'000}};

/// Rounds of running jobs and firing timeouts before the harness gives up on a request.
constexpr int max_rounds = 10'000;

caf::actor_system_config deterministic_config() {
  caf::actor_system_config cfg;
  cfg.set("scheduler.policy", caf::atom("testing"));
  return cfg;
}

/// Short limits, so that long polls and the compatibility send wait end at once.
net::api_limits short_limits() {
  net::api_limits limits;
  limits.request_timeout = 100ms;
  limits.max_wait = 1ms;
  limits.compat_send_wait = 1ms;
  limits.idempotency_capacity = 64;
  limits.compat_index_capacity = 64;
  return limits;
}

config harness_config() {
  auto settings = default_config();
  settings.api_keys = {std::string(api_key)};
  settings.public_url = std::string(public_url);
  settings.twilio.auth_token = std::string(auth_token);
  settings.ip_limit = {1'000'000'000, std::chrono::milliseconds{60'000}};
  return settings;
}

/// Message `id` of verification `verification` that reached `state`.
message_record sample_message(message_id id, verification_id verification,
                              delivery_status state) {
  message_record message;
  message.id = id;
  message.verification = verification;
  message.to = std::string(known_phone);
  message.twilio_sid = "SM0123456789abcdef0123456789abcdef";
  message.delivery.merge({delivery_status::created, created, 0});
  message.delivery.merge({state, created + 1500ms, 0});
  return message;
}

/// A verification `id` of `phone` with one WhatsApp attempt that reached `state`.
verification_view sample_view(verification_id id, const std::string& phone,
                              delivery_status state) {
  verification_view view;
  view.verification.id = id;
  view.verification.phone = phone;
  view.verification.created_at = created;
  view.verification.expires_at = created + 15min;
  auto attempt = sample_message(message_id::generate(id.routing_key()), id, state);
  view.verification.messages.push_back(attempt.id);
  view.attempts.push_back(std::move(attempt));
  return view;
}

/// Replaces the `sign_me` signature with the one Twilio would send.
void sign_if_asked(net::http_request& request) {
  auto header = std::find_if(request.headers.begin(), request.headers.end(), [](const auto& field) {
    return field.first == "X-Twilio-Signature" && field.second == sign_me;
  });
  if (header == request.headers.end())
    return;
  auto params = parse_form(request.body);
  if (params)
    header->second = compute_twilio_signature(auth_token, std::string(public_url) + request.target,
                                              *params);
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0
         || std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
}

bool is_snake_case(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
         });
}

/// Checks the API.md error body: {"error": {"code": <snake_case>, "message": <text>}}.
void check_error_body(const nlohmann::json& body) {
  require(body.is_object() && body.contains("error"), "error answer without an error object");
  const auto& error = body["error"];
  require(error.is_object(), "the error member is not an object");
  require(error.contains("code") && error["code"].is_string()
            && is_snake_case(error["code"].get<std::string>()),
          "the error code is not a snake_case string");
  require(error.contains("message") && error["message"].is_string()
            && !error["message"].get<std::string>().empty(),
          "the error message is not a non-empty string");
}

} // namespace

/// The actor system, the fake engine and the routes (which hold the fake actors).
struct route_harness::runtime {
  runtime()
    : cfg(deterministic_config()), system(cfg),
      scheduler(dynamic_cast<caf::scheduler::test_coordinator&>(system.scheduler())),
      secret(32, 0x5a) {
  }

  /// Runs every job and fires every timeout (request timeouts of answered requests too, so
  /// none piles up) until nothing is left.
  void drain() {
    for (int round = 0; round < max_rounds; ++round) {
      if (!scheduler.has_job() && !scheduler.has_pending_timeout())
        return;
      scheduler.run();
      scheduler.trigger_timeouts();
    }
  }

  caf::actor_system_config cfg; ///< The system keeps a reference: it must outlive it.
  caf::actor_system system;
  caf::scheduler::test_coordinator& scheduler;
  std::vector<std::uint8_t> secret;
  std::shared_ptr<net::test::fake_engine> engine = std::make_shared<net::test::fake_engine>();
  net::router routes;
};

route_harness::route_harness() : runtime_(std::make_unique<runtime>()) {
  auto& rt = *runtime_;
  net::api_context context{rt.system, harness_config(), {}, {}, rt.secret, short_limits()};
  for (std::size_t i = 0; i < shard_count; ++i) {
    auto shard = net::test::spawn_fake_shard(rt.system, rt.engine, {i, shard_count, rt.secret});
    context.shards.push_back(caf::actor_cast<phone_directory_actor>(shard));
  }
  auto storage = net::test::spawn_fake_storage(rt.system, rt.engine);
  context.storage = caf::actor_cast<storage_actor>(storage);
  add_api_routes(rt.routes, context);
  script_successes(delivery_status::delivered);
}

route_harness::~route_harness() = default;

route_harness& route_harness::instance() {
  static auto* const harness = new route_harness; // deliberately never deleted, see the header
  return *harness;
}

void route_harness::script(std::uint8_t outcome) {
  runtime_->engine->forget_received();
  if (outcome % 2 == 0)
    return script_successes(static_cast<delivery_status>((outcome / 2U) % delivery_status_count));
  script_failures(engine_errors[(outcome / 2U) % engine_errors.size()]);
}

void route_harness::script_failures(ec error) {
  auto& engine = *runtime_->engine;
  engine.start.answer_with([error](const auto&) { return fail<verification_view>(error, 1s); });
  engine.get.answer_with([error](const auto&) { return fail<verification_view>(error, 1s); });
  engine.resend.answer_with([error](const auto&) { return fail<verification_view>(error); });
  engine.check.answer_with([error](const auto&) { return fail<check_result>(error); });
  engine.status.answer_with([error](const auto&) { return fail<net::acknowledged>(error); });
  engine.inbound.answer_with([error](const auto&) { return fail<net::acknowledged>(error); });
  engine.load_message.answer_with([error](const auto&) { return fail<message_record>(error); });
  engine.lookup.answer_with([error](const auto&) { return fail<message_id>(error); });
  engine.platform_stats.answer_with([error](const auto&) { return fail<stats_report>(error); });
  engine.phone_stats.answer_with([error](const auto&) { return fail<phone_stats_report>(error); });
}

void route_harness::script_successes(delivery_status state) {
  auto& engine = *runtime_->engine;
  engine.start.answer_with([state, secret = runtime_->secret](const verification_request& r) {
    auto id = verification_id::generate(phone_routing_key(secret, r.phone));
    return answer(sample_view(id, r.phone, state));
  });
  engine.get.answer_with([state](const verification_query& query) {
    return answer(sample_view(query.id, std::string(known_phone), state));
  });
  engine.resend.answer_with([state](const net::test::resend_request& request) {
    return answer(sample_view(request.id, std::string(known_phone), state));
  });
  engine.check.answer_with([](const net::test::check_request&) {
    return answer(check_result{verification_status::approved, true, 0});
  });
  engine.status.answer_with([](const status_callback&) { return answer(net::acknowledged{}); });
  engine.inbound.answer_with([](const inbound_message&) { return answer(net::acknowledged{}); });
  engine.load_message.answer_with([state](const message_id& id) {
    return answer(sample_message(id, verification_id::generate(id.routing_key()), state));
  });
  engine.lookup.answer_with([](const std::string&) { return answer(message_id::generate(7)); });
  engine.platform_stats.answer_with([](const stats_query&) { return answer(stats_report{}); });
  engine.phone_stats.answer_with(
    [](const phone_stats_query&) { return answer(phone_stats_report{}); });
}

net::http_response route_harness::handle(net::http_request request) {
  sign_if_asked(request);
  std::optional<net::http_response> answered;
  int answers = 0;
  runtime_->routes.handle(std::move(request), [&](net::http_response response) {
    ++answers;
    answered = std::move(response);
  });
  runtime_->drain();
  require(answered.has_value(), "a request was never answered");
  require(answers == 1, "a request was answered more than once");
  return std::move(*answered);
}

void check_answer(std::string_view path, const net::http_response& response) {
  require(response.status >= 100 && response.status <= 599, "status out of range");
  require(!response.content_type.empty(), "no content type");
  for (const auto& [name, value] : response.headers) {
    require(!name.empty() && std::all_of(name.begin(), name.end(), is_token_char),
            "a header name is not a token");
    require(value.find_first_of("\r\n") == std::string::npos, "a header value holds CR or LF");
  }
  if (response.content_type != "application/json")
    return;
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  require(!body.is_discarded(), "a JSON answer does not parse");
  bool success = response.status >= 200 && response.status < 300;
  if (!success && path.starts_with("/v1/"))
    check_error_body(body);
}

} // namespace verity::fuzz
