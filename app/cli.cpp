#include "app/cli.hpp"

#include <array>
#include <iostream>
#include <map>
#include <string>
#include <utility>

#include <CLI/CLI.hpp>

#include "verity/version.hpp"

namespace verity {
namespace {

/// The exit code of a usage or configuration error.
constexpr int usage_error = 2;

constexpr const char* settings_group = "Settings (each also read from its environment variable "
                                       "or from the --config file; flags win)";

/// One setting's help line: what it means, its environment name(s) and its default.
std::string option_help(const config_key& key) {
  auto env = std::string{key.env};
  if (!key.env_alias.empty())
    env += " or " + std::string{key.env_alias};
  auto fallback = key.default_text.empty() ? std::string{"unset"} : std::string{key.default_text};
  return std::string{key.description} + " [env " + env + "; default " + fallback + "]";
}

/// The values of the setting flags, one per key, in table order.
using flag_values = std::array<std::string, key_count>;

/// Adds one `--<file key> VALUE` option per configuration key, writing into `values`; when
/// a flag is repeated, the last value wins.
void add_setting_options(CLI::App& app, flag_values& values) {
  for (const auto& key : config_keys())
    app.add_option(flag_name(key), values[static_cast<std::size_t>(key.id)], option_help(key))
      ->type_name("VALUE")
      ->group(settings_group)
      ->take_last();
}

/// The settings given on the command line, by file key.
std::map<std::string, std::string, std::less<>> given_flags(const CLI::App& app,
                                                           const flag_values& values) {
  std::map<std::string, std::string, std::less<>> flags;
  for (const auto& key : config_keys())
    if (app.count(flag_name(key)) > 0)
      flags.emplace(key.file_key, values[static_cast<std::size_t>(key.id)]);
  return flags;
}

/// Prints what CLI11 has to say about `error` (help, version or a usage error) and returns
/// the exit code: 0 for help and version, 2 otherwise.
int finish(const CLI::App& app, const CLI::ParseError& error) {
  return app.exit(error) == 0 ? 0 : usage_error;
}

} // namespace

std::variant<launch, int> parse_command_line(int argc, const char* const* argv,
                                             const config_sources::env_lookup& env) {
  CLI::App app{"Verity: one-time verification codes over WhatsApp and SMS.", "verity"};
  app.get_formatter()->column_width(44);
  app.set_version_flag("--version", std::string{"verity "} + version);
  config_sources sources;
  sources.env = env;
  app.add_option("--config", sources.file,
                 "TOML file setting keys by their dotted names, e.g. delivery.timeout = \"15s\"")
    ->type_name("FILE");
  flag_values values;
  add_setting_options(app, values);
  auto* check = app.add_subcommand("check-config", "Print the effective configuration (secrets "
                                                   "redacted) and exit: 0 if valid, 2 if not");
  check->fallthrough()->footer("Takes every option of verity itself: see verity --help.");
  app.footer("Durations take ms, s, m, h or d (10s, 15m); sizes B, KiB, MiB or GiB; rates "
             "count/duration (5/10m).");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return finish(app, error);
  }
  sources.flags = given_flags(app, values);
  auto loaded = load_config(sources);
  if (!loaded) {
    for (const auto& line : loaded.error().problems)
      std::cerr << line << '\n';
    return usage_error;
  }
  if (check->parsed()) {
    std::cout << describe_effective(*loaded);
    for (const auto& warning : config_warnings(*loaded))
      std::cerr << "warning: " << warning << '\n';
    return 0;
  }
  return launch{std::move(*loaded), std::move(sources)};
}

} // namespace verity
