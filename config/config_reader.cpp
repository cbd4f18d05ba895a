#include "config/config_reader.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

namespace verity {
namespace {

constexpr std::string_view toml_types_expected =
  "expected a string, an integer or a boolean (an array of strings for a list: API keys, "
  "CORS origins, trusted proxies)";

/// `text` without surrounding whitespace.
std::string trimmed(std::string_view text) {
  auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && space(text.back()))
    text.remove_suffix(1);
  return std::string{text};
}

/// "FILE:LINE:COLUMN" of a place in the TOML file.
std::string location(const std::string& file, const toml::source_position& position) {
  return file + ":" + std::to_string(position.line) + ":" + std::to_string(position.column);
}

/// The contents of the file at `path`, or a line saying why it cannot be read.
tl::expected<std::string, std::string> read_text(const std::filesystem::path& path) {
  auto name = path.string();
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored))
    return tl::unexpected(name + ": cannot read the configuration file: it is a directory");
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return tl::unexpected(name + ": cannot read the configuration file: "
                          + std::strerror(errno));
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

/// Suffix of the environment name (and file key) that reads a secret from a file.
constexpr std::string_view env_file_suffix = "_FILE";
constexpr std::string_view file_key_file_suffix = "_file";

/// The secret held in the file at `path`, or a line naming `name` and the path, never the
/// contents. Surrounding whitespace (the trailing newline) is trimmed like every value's.
tl::expected<std::string, std::string> read_secret_file(std::string_view name,
                                                        const std::string& path) {
  std::error_code ignored;
  auto problem = [&](std::string_view why) {
    return tl::unexpected(std::string{name} + ": cannot read the secret file '" + path
                          + "': " + std::string{why});
  };
  if (std::filesystem::is_directory(path, ignored))
    return problem("it is a directory");
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return problem(std::strerror(errno));
  std::ostringstream contents;
  contents << in.rdbuf();
  return trimmed(contents.str());
}

/// The secret key whose file key is `path` without "_file", or nullptr.
const config_key* secret_of_file_key(std::string_view path) {
  if (!path.ends_with(file_key_file_suffix))
    return nullptr;
  const auto* key = find_file_key(path.substr(0, path.size() - file_key_file_suffix.size()));
  return key != nullptr && key->secret ? key : nullptr;
}

/// Sets `key` from the secret file named by the text of `node` in the TOML file.
void read_table_secret_file(const toml::node& node, const config_key& key, std::string_view path,
                            const std::string& where, const std::string& file,
                            raw_settings& raw) {
  auto secret_path = node.value<std::string>();
  if (!secret_path || !node.is_string()) {
    raw.problems.push_back(where + ": " + std::string{path} + ": expected the path of a file");
    return;
  }
  auto secret = read_secret_file(path, *secret_path);
  if (!secret) {
    raw.problems.push_back(where + ": " + secret.error());
    return;
  }
  raw.values[key.id] = {std::move(*secret), {source_kind::file, file}};
}

/// True when the TOML file already set `key` (a secret given both directly and as a file).
bool set_twice(const config_key& key, const std::string& where, raw_settings& raw) {
  auto found = raw.values.find(key.id);
  if (found == raw.values.end() || found->second.origin.kind != source_kind::file)
    return false;
  raw.problems.push_back(where + ": " + std::string{key.file_key} + " and "
                         + std::string{key.file_key} + std::string{file_key_file_suffix}
                         + " are both set: expected one of them");
  return true;
}

/// A TOML value as it appears in the file, for error lines.
std::string render(const toml::node& node) {
  std::ostringstream out;
  node.visit([&](const auto& value) { out << value; });
  return out.str();
}

/// The elements of an array of strings joined by commas, or nullopt for any other array.
std::optional<std::string> joined_strings(const toml::array& array) {
  std::string text;
  for (const auto& element : array) {
    auto item = element.value<std::string>();
    if (!item || !element.is_string())
      return std::nullopt;
    text += (text.empty() ? "" : ",") + *item;
  }
  return text;
}

/// The text of a TOML value for `key`: strings, integers and booleans; arrays of strings for
/// list keys (API keys, CORS origins, trusted proxies). Nullopt for other types.
std::optional<std::string> toml_text(const toml::node& node, const config_key& key) {
  if (const auto* text = node.as_string())
    return text->get();
  if (const auto* number = node.as_integer())
    return std::to_string(number->get());
  if (const auto* flag = node.as_boolean())
    return std::string{flag->get() ? "true" : "false"};
  bool list = key.id == key_id::api_keys || key.id == key_id::cors_origins
              || key.id == key_id::trusted_proxies;
  if (const auto* array = node.as_array(); array && list)
    return joined_strings(*array);
  return std::nullopt;
}

/// Reads the keys of `table` (nested tables give dotted keys) into `raw`.
void read_table(const toml::table& table, const std::string& prefix, const std::string& file,
                raw_settings& raw) {
  for (const auto& [name, node] : table) {
    auto path = prefix.empty() ? std::string{name.str()} : prefix + "." + std::string{name.str()};
    if (const auto* nested = node.as_table()) {
      read_table(*nested, path, file, raw);
      continue;
    }
    const auto* key = find_file_key(path);
    auto where = location(file, name.source().begin);
    if (const auto* secret = secret_of_file_key(path); key == nullptr && secret != nullptr) {
      if (!set_twice(*secret, where, raw))
        read_table_secret_file(node, *secret, path, where, file, raw);
      continue;
    }
    if (key != nullptr && set_twice(*key, where, raw))
      continue;
    if (key == nullptr) {
      raw.problems.push_back(where + ": unknown key '" + path
                             + "' (verity --help lists every key)");
      continue;
    }
    raw_value value{{}, {source_kind::file, file}};
    auto text = toml_text(node, *key);
    if (!text) {
      value.text = render(node);
      raw.problems.push_back(where + ": " + problem_line(*key, value, toml_types_expected));
      continue;
    }
    value.text = trimmed(*text);
    raw.values[key->id] = std::move(value);
  }
}

/// Reads the TOML file of `sources`, if there is one, into `raw`.
void read_file(const config_sources& sources, raw_settings& raw) {
  auto file = sources.file.empty() ? std::string{"<config>"} : sources.file.string();
  auto text = sources.file_text ? tl::expected<std::string, std::string>{*sources.file_text}
                                : read_text(sources.file);
  if (!text) {
    raw.problems.push_back(text.error());
    return;
  }
  try {
    read_table(toml::parse(*text, file), "", file, raw);
  } catch (const toml::parse_error& error) {
    raw.problems.push_back(location(file, error.source().begin)
                           + ": invalid TOML: " + std::string{error.description()});
  }
}

/// Reads a secret from the file its `<KEY>_FILE` variable names, if set: into `raw`, or a
/// problem when `<KEY>` is set too or the file cannot be read. Returns whether it was set.
bool read_environment_secret_file(const config_sources::env_lookup& env, const config_key& key,
                                  raw_settings& raw) {
  auto name = std::string{key.env} + std::string{env_file_suffix};
  auto path = env(name);
  if (!path || path->empty())
    return false;
  if (auto direct = env(key.env); direct && !direct->empty()) {
    raw.problems.push_back(std::string{key.env} + " and " + name
                           + " are both set: expected one of them");
    return true;
  }
  auto secret = read_secret_file(name, *path);
  if (!secret)
    raw.problems.push_back(secret.error());
  else
    raw.values[key.id] = {std::move(*secret), {source_kind::environment, name}};
  return true;
}

/// Reads every key's environment variable (then its alias, or for a secret the file its
/// `_FILE` variable names) into `raw`; empty counts as unset.
void read_environment(const config_sources::env_lookup& env, raw_settings& raw) {
  for (const auto& key : config_keys()) {
    if (key.secret && read_environment_secret_file(env, key, raw))
      continue;
    for (auto name : {key.env, key.env_alias}) {
      auto found = name.empty() ? std::nullopt : env(name);
      if (found && !found->empty()) {
        raw.values[key.id] = {trimmed(*found), {source_kind::environment, std::string{name}}};
        break;
      }
    }
  }
}

/// Reads the command-line values into `raw`; a name that is no key is a problem.
void read_flags(const config_sources& sources, raw_settings& raw) {
  for (const auto& [name, text] : sources.flags) {
    const auto* key = find_file_key(name);
    if (key == nullptr) {
      raw.problems.push_back("--" + name + ": unknown flag (verity --help lists every key)");
      continue;
    }
    raw.values[key->id] = {trimmed(text), {source_kind::flag, flag_name(*key)}};
  }
}

} // namespace

raw_settings read_settings(const config_sources& sources) {
  raw_settings raw;
  for (const auto& key : config_keys())
    raw.values[key.id] = {std::string{key.default_text}, {}};
  if (!sources.file.empty() || sources.file_text)
    read_file(sources, raw);
  if (sources.env)
    read_environment(sources.env, raw);
  read_flags(sources, raw);
  return raw;
}

std::string problem_line(const config_key& key, const raw_value& value,
                         std::string_view expectation) {
  bool through_alias = value.origin.kind == source_kind::environment
                       && value.origin.name == key.env_alias;
  auto name = through_alias ? key.env_alias : key.env;
  auto shown = key.secret && !value.text.empty() ? std::string{"<redacted>"} : value.text;
  return std::string{name} + ": value '" + shown + "' is invalid: " + std::string{expectation};
}

} // namespace verity
