#pragma once

#include "engine/config.hpp"

namespace verity {

/// Runs Verity with `settings` until SIGINT or SIGTERM: opens storage, starts the actor system
/// and the HTTP server, then shuts them down in reverse order. Returns the process exit code.
int run_engine(const config& settings);

} // namespace verity
