#include "config/config_template.hpp"

#include <algorithm>
#include <string_view>

#include "config/config_keys.hpp"

namespace verity {
namespace {

constexpr std::string_view header =
  "# Verity's configuration file (TOML), read with `verity --config FILE`.\n"
  "#\n"
  "# Every key is listed below, commented out, with its default and what it means: as installed\n"
  "# this file sets nothing. Uncomment a line to set its key. The environment (VERITY_*, TWILIO_*:\n"
  "# with the systemd unit, /etc/default/verity) overrides this file, and flags override both;\n"
  "# `verity check-config --config FILE` prints the effective settings and where each came from.\n"
  "# The systemd unit sets VERITY_DATA_DIR=/var/lib/verity.\n"
  "#\n"
  "# A secret may instead be read from a file: `<key>_file = \"/path\"` (e.g.\n"
  "# twilio.auth_token_file), or the environment's <NAME>_FILE. Keep secrets out of this file:\n"
  "# it is installed world-readable.\n";

/// The placeholder in a derived default, replaced by the listen address's default.
constexpr std::string_view listen_placeholder = "<listen>";

/// The default of `key` as a value: a derived one ("http://<listen>") made concrete.
std::string literal_default(const config_key& key) {
  std::string text{key.default_text};
  if (auto at = text.find(listen_placeholder); at != std::string::npos)
    text.replace(at, listen_placeholder.size(), key_info(key_id::listen).default_text);
  return text;
}

/// `text` as a TOML value: an integer or a boolean when it reads as one, else a string.
std::string toml_value(std::string_view text) {
  bool integer = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
  if (integer || text == "true" || text == "false")
    return std::string{text};
  std::string quoted = "\"";
  for (char c : text)
    quoted += (c == '"' || c == '\\') ? std::string{'\\', c} : std::string{c};
  return quoted + "\"";
}

/// The comment naming `key`, its environment name and its meaning, then its commented line.
std::string entry(const config_key& key) {
  std::string about = "# " + std::string{key.env};
  if (key.secret)
    about += " (secret; or " + std::string{key.file_key} + "_file = \"/path\")";
  about += ": " + std::string{key.description};
  if (key.default_text.empty())
    about += " (default: unset)";
  else if (key.default_text.find(listen_placeholder) != std::string_view::npos)
    about += " (default: " + std::string{key.default_text} + ")";
  return about + "\n# " + std::string{key.file_key} + " = " + toml_value(literal_default(key))
         + "\n";
}

} // namespace

std::string config_template() {
  std::string text{header};
  for (const auto& key : config_keys())
    text += "\n" + entry(key);
  return text;
}

} // namespace verity
