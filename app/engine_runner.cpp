#include "app/engine_runner.hpp"

#include <atomic>
#include <csignal>
#include <system_error>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <spdlog/spdlog.h>

#include "actors/system_setup.hpp"
#include "app/logging.hpp"
#include "net/health_routes.hpp"
#include "net/http_server.hpp"
#include "net/router.hpp"
#include "storage/database.hpp"
#include "verity/version.hpp"

namespace verity {

namespace {

namespace asio = boost::asio;

/// Says, once at start, the decisions an operator must know about.
void log_startup(const config& settings) {
  spdlog::info("verity {} starting: data in {}, public URL {}", version,
               settings.data_dir.string(), settings.public_url);
  if (settings.uses_simulator())
    spdlog::warn("no Twilio credentials set (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN): messages "
                 "go to the built-in Twilio simulator and reach no phone");
  if (settings.api_keys.empty())
    spdlog::warn("VERITY_API_KEYS is empty: /v1 refuses every request until keys are set");
}

net::http_server_limits server_limits(const config& settings) {
  net::http_server_limits limits;
  limits.max_body = settings.max_body;
  limits.header_timeout = settings.header_timeout;
  return limits;
}

/// Runs `io` on `count` threads (the calling one included) until it stops.
void run_io(asio::io_context& io, std::uint32_t count) {
  std::vector<std::jthread> extra;
  for (std::uint32_t i = 1; i < count; ++i)
    extra.emplace_back([&io] { io.run(); });
  io.run();
}

} // namespace

int run_engine(const config& settings) {
  setup_logging(settings.log_level);
  log_startup(settings);

  auto database = storage::database::open(settings.data_dir);
  if (!database) {
    spdlog::error("storage failed to open: {}", database.error());
    return 1;
  }

  caf::actor_system_config actor_config;
  actors::apply_scheduler_settings(actor_config, {settings.worker_threads()});
  caf::actor_system actor_system{actor_config};

  std::atomic<bool> stopping{false};
  net::router routes;
  net::add_health_routes(routes, [&stopping] {
    std::vector<std::string> reasons;
    if (stopping)
      reasons.emplace_back("shutting down");
    return reasons;
  });

  asio::io_context io{static_cast<int>(settings.net_threads)};
  std::optional<net::http_server> server;
  try {
    server.emplace(io, settings.listen.host, settings.listen.port, routes, server_limits(settings));
  } catch (const std::system_error& error) {
    spdlog::error("HTTP server failed to start: {}", error.what());
    return 1;
  }
  server->start();
  spdlog::info("verity listening on http://{}",
               endpoint{settings.listen.host, server->port()}.to_string());

  asio::signal_set signals{io, SIGINT, SIGTERM};
  signals.async_wait([&](const std::error_code& ec, int signal) {
    if (ec)
      return;
    spdlog::info("received signal {}: shutting down", signal);
    stopping = true;
    server->stop();
    io.stop();
  });
  run_io(io, settings.net_threads);
  server.reset();
  spdlog::info("verity stopped");
  return 0;
}

} // namespace verity
