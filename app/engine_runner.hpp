#pragma once

#include <functional>

#include <tl/expected.hpp>

#include "config/config.hpp"

namespace verity {

/// Reads the configuration again from where it first came from (file, environment, flags).
using config_loader = std::function<tl::expected<config, config_error>()>;

/// Runs Verity with `settings` until SIGINT or SIGTERM: opens storage, starts the actor system
/// and the HTTP server, then shuts them down in reverse order. On SIGHUP it loads the
/// configuration through `reload` and puts the new API keys and Twilio tokens in force (the
/// other keys need a restart). Returns the process exit code.
int run_engine(const config& settings, const config_loader& reload);

} // namespace verity
