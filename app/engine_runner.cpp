#include "app/engine_runner.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/country_channel_stats.hpp"
#include "actors/phone_directory.hpp"
#include "actors/send_guard_actor.hpp"
#include "actors/storage_actor.hpp"
#include "actors/system_setup.hpp"
#include "app/egress_wiring.hpp"
#include "app/graceful_stop.hpp"
#include "app/listeners.hpp"
#include "app/logging.hpp"
#include "app/prometheus_metrics.hpp"
#include "app/service_notifier.hpp"
#include "engine/clock.hpp"
#include "engine/routing.hpp"
#include "net/api/actor_gateway.hpp"
#include "net/api/context.hpp"
#include "net/api/health_routes.hpp"
#include "net/api/metrics_route.hpp"
#include "net/api/readiness.hpp"
#include "net/api/router.hpp"
#include "net/api/routes.hpp"
#include "net/api/secret_store.hpp"
#include "net/api/verified_hook.hpp"
#include "net/twilio/egress_health.hpp"
#include "storage/rocksdb_backend.hpp"
#include "storage/server_secret.hpp"
#include "verity/version.hpp"

namespace verity {

namespace {

namespace asio = boost::asio;

/// Says, once at start, the decisions an operator must know about.
void log_startup(const config& settings) {
  spdlog::info("verity {} starting: VERITY_TWILIO={}, data in {}, {} directory shards, {} workers",
               version, to_string(settings.twilio.mode), settings.data_dir.string(),
               settings.shards, settings.worker_threads());
  for (const auto& warning : config_warnings(settings))
    spdlog::warn("{}", warning);
}

storage::rocksdb_options storage_options_of(const config& settings) {
  storage::rocksdb_options result;
  result.memory_budget = settings.storage_memory;
  result.sync = settings.sync;
  result.retention.verifications = settings.retention;
  return result;
}

/// Exports the storage actors' counters, read at scrape time.
void export_storage_stats(prometheus_metrics& recorder,
                          std::shared_ptr<const storage_stats> stats) {
  auto read = [stats](const std::atomic<std::uint64_t> storage_stats::*counter) {
    return [stats, counter] { return static_cast<double>((*stats.*counter).load()); };
  };
  recorder.export_counter("verity_storage_commits_total", "Group commits written.",
                          read(&storage_stats::batches));
  recorder.export_counter("verity_storage_failed_commits_total", "Group commits RocksDB refused.",
                          read(&storage_stats::failed_batches));
  recorder.export_counter("verity_storage_requests_total",
                          "Persist requests answered (per commit: the batch size).",
                          read(&storage_stats::requests));
  recorder.export_counter("verity_retention_removed_total", "Verifications removed by retention.",
                          read(&storage_stats::retention_removed));
  recorder.export_counter("verity_idempotency_answers_removed_total",
                          "Idempotency answers removed by retention.",
                          read(&storage_stats::answers_removed));
}

/// Exports what RocksDB holds in memory, read at scrape time. `db` must outlive `recorder`'s
/// last scrape (both live until run_engine returns, the server stopped first).
void export_storage_memory(prometheus_metrics& recorder, const storage::rocksdb_backend& db) {
  recorder.export_gauge("verity_storage_memtable_bytes",
                        "RocksDB memtables, flushed or not (capped at half of "
                        "VERITY_STORAGE_MEMORY).",
                        [&db] { return static_cast<double>(db.memory().memtables); });
  recorder.export_gauge("verity_storage_block_cache_bytes",
                        "RocksDB block cache: data, index and filter blocks.",
                        [&db] { return static_cast<double>(db.memory().block_cache); });
}

std::shared_ptr<const verification_settings>
verification_settings_of(const config& settings, const std::vector<std::uint8_t>& secret,
                         bool whatsapp_template, metrics& recorder) {
  auto result = std::make_shared<verification_settings>();
  result->recorder = &recorder;
  result->delivery_timeout = settings.delivery_timeout;
  result->code_ttl = settings.code_ttl;
  result->code_length = settings.code_length;
  result->max_checks = settings.max_checks;
  result->send_limit = settings.send_limit;
  result->fallback = settings.fallback;
  result->brand = settings.brand;
  result->whatsapp_template = whatsapp_template;
  result->secret = secret;
  result->hasher = std::make_shared<code_hasher>(std::span<const std::uint8_t>{secret});
  result->country_stats = std::make_shared<country_channel_stats>(
    result->channel_rules.country_window, prometheus_metrics::max_countries, &recorder);
  return result;
}

/// The stored sends the send guard's windows still cover, for it to count again at start (a
/// restart must not reset the defence against SMS pumping).
tl::expected<std::vector<past_send>, std::string>
sends_in_guard_windows(const config& settings, storage::backend& database) {
  auto window = std::max(settings.prefix_limit.window, settings.country_limit.window);
  return database.sends_since(wall_clock_now() - window, settings.code_ttl);
}

/// Hands every verification found in flight to its shard, which rebuilds its actors.
void resume(const std::vector<phone_directory_actor>& shards,
            const std::vector<std::uint8_t>& secret, std::vector<verification_view> in_flight) {
  for (auto& view : in_flight) {
    auto key = phone_routing_key(secret, view.verification.phone);
    caf::anon_send(shard_for(shards, key), atom::recover::value, std::move(view));
  }
}

/// Runs `io` on `count` threads (the calling one included) until it stops.
/// The compatibility API's verified hook, when VERITY_COMPAT_VERIFIED_HOOK is set (the
/// configuration checked that its secret parses).
std::shared_ptr<net::verified_hook> compat_hook_of(const config& settings, asio::io_context& io) {
  if (settings.compat_verified_hook.empty())
    return nullptr;
  std::vector<webhook_secret> secrets{
    webhook_secret::parse(settings.compat_verified_hook_secret).value()};
  return std::make_shared<net::verified_hook>(io, settings.compat_verified_hook,
                                              std::move(secrets));
}

void run_io(asio::io_context& io, std::uint32_t count) {
  std::vector<std::jthread> extra;
  for (std::uint32_t i = 1; i < count; ++i)
    extra.emplace_back([&io] { io.run(); });
  io.run();
}

/// Loads the configuration again and puts its API keys and Twilio tokens in force; a
/// configuration that no longer validates changes nothing. With the built-in simulator the
/// Twilio tokens are the simulator's and stay. Reads the config file: run it off the I/O
/// threads. Returns what happened, in a few words.
std::string reload_secrets(const config_loader& reload, net::secret_store& secrets,
                           egress_stack& egress, bool simulated) {
  auto loaded = reload();
  if (!loaded) {
    for (const auto& problem : loaded.error().problems)
      spdlog::error("reload refused, secrets unchanged: {}", problem);
    return "reload refused, secrets unchanged (the log says why)";
  }
  auto next = net::rotating_secrets_of(*loaded);
  if (simulated) {
    auto now = secrets.current();
    next.twilio_auth_token = now->twilio_auth_token;
    next.twilio_auth_token_previous = now->twilio_auth_token_previous;
  } else {
    egress.set_auth_token(next.twilio_auth_token);
  }
  spdlog::info("reloaded secrets: {} API key(s); previous Twilio token {}", next.api_keys.size(),
               next.twilio_auth_token_previous.empty() ? "not set" : "accepted");
  secrets.replace(std::move(next));
  return "reloaded API keys and Twilio tokens";
}

/// The readiness checks of `/readyz`: a storage write through `engine` (at most one a second),
/// the egress's latest outcome, recovery and shutdown.
std::shared_ptr<net::readiness> readiness_of(const config& settings,
                                             std::shared_ptr<net::actor_gateway> engine,
                                             std::shared_ptr<const net::egress_health> egress,
                                             const std::atomic<bool>& recovered,
                                             const std::atomic<bool>& stopping) {
  net::readiness_sources sources;
  sources.twilio = to_string(settings.twilio.mode);
  sources.stopping = [&stopping] { return stopping.load(); };
  sources.recovered = [&recovered] { return recovered.load(); };
  sources.egress = [egress] { return egress->problem(net::egress_health::clock::now()); };
  sources.storage = [engine](std::function<void(net::check_outcome)> done) {
    engine->probe_storage([done](net::engine_result<net::acknowledged> written) {
      if (written)
        return done(std::nullopt);
      done(written.error().code == ec::storage_failed
             ? "the write failed (the log says why)"
             : "no answer from the storage writer in time");
    });
  };
  return std::make_shared<net::readiness>(std::move(sources));
}

/// Reloads the secrets on every SIGHUP, through `blocking_work`, telling the service manager
/// (RELOADING=1, then READY=1).
void reload_on_sighup(asio::signal_set& hangups, asio::thread_pool& blocking_work,
                      service_notifier& notifier, std::function<std::string()> reload) {
  hangups.async_wait([&hangups, &blocking_work, &notifier, reload](const std::error_code& ec,
                                                                    int) {
    if (ec)
      return;
    spdlog::info("received SIGHUP: reloading API keys and Twilio tokens");
    notifier.reloading();
    asio::post(blocking_work, [&notifier, reload] { notifier.ready(reload()); });
    reload_on_sighup(hangups, blocking_work, notifier, reload);
  });
}

} // namespace

int run_engine(const config& settings, const config_loader& reload) {
  setup_logging(settings.log_level, settings.log_style);
  log_startup(settings);

  auto database = storage::rocksdb_backend::open(settings.data_dir, storage_options_of(settings));
  if (!database) {
    spdlog::error("storage failed to open: {}", database.error());
    return 1;
  }
  auto secret = storage::load_server_secret(settings.data_dir, settings.code_secret);
  if (!secret) {
    spdlog::error("server secret unavailable: {}", secret.error());
    return 1;
  }
  auto recovered = (*database)->recover();
  if (!recovered) {
    spdlog::error("recovery failed: {}", recovered.error());
    return 1;
  }
  spdlog::info("recovered {} in-flight verifications ({} skipped) in {} ms",
               recovered->in_flight.size(), recovered->skipped, recovered->elapsed.count());
  auto past_sends = sends_in_guard_windows(settings, **database);
  if (!past_sends) {
    spdlog::error("recovery failed: {}", past_sends.error());
    return 1;
  }

  prometheus_metrics recorder; // before the actors and the server, which record into it
  asio::io_context io{static_cast<int>(settings.net_threads)};
  caf::actor_system_config actor_config;
  actors::apply_scheduler_settings(actor_config, {settings.worker_threads()});
  actors::add_message_types(actor_config);
  caf::actor_system actor_system{actor_config};

  std::atomic<bool> stopping{false};
  std::atomic<bool> recovered_all{false};
  std::optional<listeners> server;
  std::optional<egress_stack> egress;
  try {
    server.emplace(io, settings, &recorder);
    egress.emplace(settings, callback_base_url(settings, server->public_port()), io,
                   actor_system, &recorder);
  } catch (const std::exception& error) {
    spdlog::error("HTTP server failed to start: {}", error.what());
    return 1;
  }

  recorder.recovered(recovered->in_flight.size(), recovered->skipped);
  storage_settings storage_config;
  storage_config.recorder = &recorder;
  export_storage_stats(recorder, storage_config.stats);
  export_storage_memory(recorder, **database);
  auto storage = spawn_storage(actor_system, **database, storage_config);
  auto send_guard = spawn_send_guard(
    actor_system,
    send_guard_limits{settings.prefix_limit, settings.prefix_cooldown, settings.country_limit},
    std::move(*past_sends));
  auto shards = spawn_phone_directory(actor_system, settings.shards,
                                      {egress->actor(), storage,
                                       verification_settings_of(settings, *secret,
                                                                egress->has_whatsapp_template(),
                                                                recorder),
                                       send_guard});
  resume(shards, *secret, std::move(recovered->in_flight));
  recovered_all = true;

  net::add_metrics_route(server->metrics_routes(), recorder);
  auto api_settings = settings;
  api_settings.public_url = callback_base_url(settings, server->public_port());
  api_settings.twilio.auth_token = egress->auth_token();
  net::api_limits api_limits;
  api_limits.max_in_flight = settings.max_in_flight;
  auto secrets = std::make_shared<net::secret_store>(net::rotating_secrets_of(api_settings));
  net::api_context api{actor_system, api_settings, shards, storage, *secret, api_limits,
                       &recorder, egress->inbox(), secrets, compat_hook_of(settings, io)};
  auto checks = readiness_of(settings, std::make_shared<net::actor_gateway>(api), egress->health(),
                             recovered_all, stopping);
  net::add_health_routes(server->public_routes(), checks);
  net::add_api_routes(server->public_routes(), api);
  if (auto* admin = server->admin_routes())
    net::add_health_routes(*admin, checks);
  // The signals are caught before the start is announced: a SIGTERM sent as soon as the log
  // says "listening" must find its handler.
  service_notifier notifier{io};
  graceful_stop stop{io, *server, stopping, {settings.prestop, settings.drain}, [&notifier] {
                       notifier.stopping("stopping: draining connections");
                     }};
  asio::thread_pool blocking_work{1};
  asio::signal_set hangups{io, SIGHUP};
  reload_on_sighup(hangups, blocking_work, notifier, [&reload, secrets, &egress, &settings] {
    return reload_secrets(reload, *secrets, *egress, settings.uses_simulator());
  });
  server->start();
  auto address = server->public_address();
  spdlog::info("verity listening on http://{}", address);
  if (auto admin = server->admin_address())
    spdlog::info("verity admin listening on http://{} (/metrics, /healthz, /readyz)", *admin);
  if (settings.demo_enabled())
    spdlog::info("demo page at http://{}/demo/{}", address,
                 settings.uses_simulator() ? " (simulated phones: it shows the codes they receive)"
                                           : " (real Twilio: codes go to real phones)");
  notifier.ready("ready: listening on http://" + address);
  notifier.start_watchdog();
  run_io(io, settings.net_threads);
  blocking_work.join();

  for (auto& shard : shards)
    caf::anon_send_exit(shard, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(storage, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(send_guard, caf::exit_reason::user_shutdown);
  egress.reset();
  actor_system.await_all_actors_done();
  server.reset();
  spdlog::info("verity stopped");
  return 0;
}

} // namespace verity
