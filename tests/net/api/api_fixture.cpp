#include "tests/net/api/api_fixture.hpp"

#include <optional>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>

#include "actors/actors.hpp"
#include "actors/system_setup.hpp"
#include "engine/routing.hpp"
#include "engine/twilio_signature.hpp"
#include "net/api/context.hpp"
#include "net/api/router.hpp"
#include "net/api/routes.hpp"
#include "net/api/verified_hook.hpp"
#include "net/http/server.hpp"
#include "tests/net/api/fake_actors.hpp"

namespace verity::net::test {

namespace {

using namespace std::chrono_literals;

config test_config(const api_options& options) {
  auto settings = default_config();
  if (options.with_api_keys)
    settings.api_keys = {"test-key-1", "test-key-2"};
  settings.public_url = std::string(public_url);
  settings.twilio.auth_token = std::string(current_token);
  settings.twilio.auth_token_previous = std::string(previous_token);
  settings.ip_limit = options.ip_limit;
  settings.demo = options.demo;
  return settings;
}

std::vector<std::string> with_key(std::vector<std::string> headers) {
  headers.push_back("Authorization: Bearer " + std::string(api_key));
  return headers;
}

} // namespace

/// The actor system, the fakes and the server of one test.
struct api_fixture::runtime {
  runtime() : config(configured()), system(config) {}

  static caf::actor_system_config configured() {
    caf::actor_system_config cfg;
    actors::apply_scheduler_settings(cfg, {2, 300});
    return cfg;
  }

  caf::actor_system_config config; ///< The system keeps a reference: it must outlive it.
  caf::actor_system system;
  std::vector<caf::actor> fakes;
  boost::asio::io_context io;
  router routes; ///< After `io`: the verified hook in its routes runs on it.
  std::optional<http_server> server;
  std::thread io_thread;
};

api_fixture::api_fixture() : secret_(32, 0x5a) {
  options.limits.request_timeout = 500ms;
  options.limits.compat_send_wait = 1s;
}

api_fixture::~api_fixture() = default;

void api_fixture::SetUp() {
  runtime_ = std::make_unique<runtime>();
  api_context context{runtime_->system, test_config(options), {}, {}, secret_, options.limits};
  context.inbox = options.inbox;
  if (!options.verified_hook_url.empty())
    context.compat_hook = std::make_shared<verified_hook>(
      runtime_->io, options.verified_hook_url,
      std::vector{webhook_secret::parse(options.verified_hook_secret).value()});
  for (std::size_t i = 0; i < options.shards; ++i) {
    auto shard = spawn_fake_shard(runtime_->system, engine, {i, options.shards, secret_});
    runtime_->fakes.push_back(shard);
    context.shards.push_back(caf::actor_cast<phone_directory_actor>(shard));
  }
  if (options.with_storage) {
    auto storage = spawn_fake_storage(runtime_->system, engine);
    runtime_->fakes.push_back(storage);
    context.storage = caf::actor_cast<storage_actor>(storage);
  }
  add_api_routes(runtime_->routes, context);
  http_server_limits limits;
  limits.max_body = 64 * 1024;
  runtime_->server.emplace(runtime_->io, "127.0.0.1", 0, runtime_->routes, limits);
  runtime_->server->start();
  runtime_->io_thread = std::thread{[this] { runtime_->io.run(); }};
}

void api_fixture::TearDown() {
  runtime_->server->stop();
  for (auto& fake : runtime_->fakes)
    caf::anon_send_exit(fake, caf::exit_reason::user_shutdown);
  runtime_->system.await_all_actors_done();
  runtime_->io.stop();
  runtime_->io_thread.join();
  runtime_.reset();
}

verity::test::http_result api_fixture::call(const std::string& method, const std::string& path,
                                            const std::string& body,
                                            const std::vector<std::string>& headers) const {
  auto url = "http://127.0.0.1:" + std::to_string(runtime_->server->port()) + path;
  return verity::test::http_call(method, url, body, headers);
}

verity::test::http_result api_fixture::get(const std::string& path) const {
  return call("GET", path, {}, with_key({}));
}

verity::test::http_result api_fixture::post_json(const std::string& path, const std::string& body,
                                                 const std::vector<std::string>& extra) const {
  auto headers = with_key(extra);
  headers.emplace_back("Content-Type: application/json");
  return call("POST", path, body, headers);
}

verity::test::http_result api_fixture::post_public(const std::string& path,
                                                   const std::string& body) const {
  return call("POST", path, body, {"Content-Type: application/json"});
}

verity::test::http_result api_fixture::post_signed(const std::string& target,
                                                   const form_params& params,
                                                   std::string_view token) const {
  auto signature = compute_twilio_signature(token, std::string(public_url) + target, params);
  return call("POST", target, encode_form(params),
              {"Content-Type: application/x-www-form-urlencoded",
               "X-Twilio-Signature: " + signature});
}

verification_view api_fixture::make_view(const std::string& e164, delivery_status state,
                                         const std::string& twilio_sid) const {
  auto key = phone_routing_key(secret_, e164);
  timestamp created{std::chrono::milliseconds{1'767'225'600'000}}; // 2026-01-01T00:00:00Z
  verification_view view;
  auto& record = view.verification;
  record.id = verification_id::generate(key);
  record.phone = e164;
  record.created_at = created;
  record.expires_at = created + 15min;
  message_record attempt;
  attempt.id = message_id::generate(key);
  attempt.verification = record.id;
  attempt.to = e164;
  attempt.twilio_sid = twilio_sid;
  attempt.delivery.merge({delivery_status::created, created, 0});
  attempt.delivery.merge({state, created + 1500ms, 0});
  record.messages.push_back(attempt.id);
  view.attempts.push_back(std::move(attempt));
  return view;
}

message_id api_fixture::message_id_for(const std::string& e164) const {
  return message_id::generate(phone_routing_key(secret_, e164));
}

nlohmann::json json_of(const verity::test::http_result& result) {
  auto parsed = nlohmann::json::parse(result.body, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << "not JSON: " << result.body;
  return parsed.is_discarded() ? nlohmann::json{} : parsed;
}

} // namespace verity::net::test
