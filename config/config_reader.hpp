#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

/// The first step of loading a configuration: every key's effective text and where it came
/// from, read from defaults, the TOML file, the environment and flags, before any parsing.
namespace verity {

/// One key's effective text and its source.
struct raw_value {
  std::string text; ///< Trimmed of surrounding whitespace.
  value_origin origin;
};

/// The effective text of every key, and the problems met while reading the sources (a TOML
/// syntax error, an unknown key, a value of the wrong TOML type, an unreadable file).
struct raw_settings {
  std::map<key_id, raw_value> values; ///< One entry per key.
  std::vector<std::string> problems;
};

/// Reads every key from `sources`: defaults < file < environment < flags.
raw_settings read_settings(const config_sources& sources);

/// "KEY: value 'V' is invalid: <expectation>", where KEY is the key's environment name (or the
/// alias it was set through) and V shows as '<redacted>' for a secret.
std::string problem_line(const config_key& key, const raw_value& value,
                         std::string_view expectation);

} // namespace verity
