#pragma once

#include <variant>

#include "config/config.hpp"

/// The `verity` command line.
namespace verity {

/// What a successful command line asks main to do: run the engine with this configuration.
struct launch {
  config settings;
  config_sources sources; ///< Where `settings` came from: a reload reads them again.
};

/// Parses argv and the environment: `verity [--config FILE] [--<key> VALUE]...`,
/// `verity check-config [...]`, `verity --help`, `verity --version`. Returns the configuration
/// to run with, or the process exit code when the command is already complete: 0 after help,
/// version or a valid check-config (its output on stdout); 2 after a usage or configuration
/// error, each problem printed on its own line to stderr.
std::variant<launch, int> parse_command_line(
  int argc, const char* const* argv,
  const config_sources::env_lookup& env = read_process_environment);

} // namespace verity
