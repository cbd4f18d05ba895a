// The commented configuration file shipped as /etc/verity/verity.toml: every key is in it, with
// its default, and nothing in it changes the configuration until an operator uncomments a line.
#include "config/config_template.hpp"

#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "config/config.hpp"
#include "config/config_reader.hpp"

namespace verity::test {
namespace {

/// `text` with the leading "# " of every commented assignment ("# key = value") removed.
std::string uncommented(const std::string& text) {
  std::istringstream lines{text};
  std::string out;
  for (std::string line; std::getline(lines, line);) {
    bool assignment = line.starts_with("# ") && line.find(" = ") != std::string::npos
                      && line.find(' ', 2) == line.find(" = ");
    out += (assignment ? line.substr(2) : line) + "\n";
  }
  return out;
}

/// Every line of `text` that is neither blank nor a comment.
std::string active_lines(const std::string& text) {
  std::istringstream lines{text};
  std::string out;
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && !line.starts_with("#"))
      out += line + "\n";
  return out;
}

/// `described` (describe_effective's output) without each line's origin: "KEY = value".
std::string without_origins(const std::string& described) {
  std::istringstream lines{described};
  std::string out;
  for (std::string line; std::getline(lines, line);)
    out += line.substr(0, line.rfind(" (")) + "\n";
  return out;
}

/// Settings read from `toml` alone: no environment, no flags.
raw_settings read_file_text(const std::string& toml) {
  config_sources sources;
  sources.file_text = toml;
  sources.env = [](std::string_view) { return std::optional<std::string>{}; };
  return read_settings(sources);
}

TEST(config_template, names_every_key_with_its_default_commented_out) {
  auto text = config_template();
  for (const auto& key : config_keys()) {
    auto line = "\n# " + std::string{key.file_key} + " = ";
    EXPECT_NE(text.find(line), std::string::npos) << key.env << " is missing from the file";
    EXPECT_NE(text.find(std::string{key.description}.substr(0, 20)), std::string::npos)
      << key.env << "'s meaning is missing from the file";
  }
}

TEST(config_template, sets_nothing_as_installed) {
  auto text = config_template();
  EXPECT_EQ(active_lines(text), "");
  auto raw = read_file_text(text);
  EXPECT_TRUE(raw.problems.empty());
  for (const auto& [id, value] : raw.values)
    EXPECT_EQ(value.origin.kind, source_kind::default_value) << key_info(id).env;
}

TEST(config_template, uncommented_it_is_valid_toml_holding_the_defaults) {
  auto raw = read_file_text(uncommented(config_template()));
  EXPECT_TRUE(raw.problems.empty()) << ::testing::PrintToString(raw.problems);
  for (const auto& key : config_keys()) {
    const auto& value = raw.values.at(key.id);
    EXPECT_EQ(value.origin.kind, source_kind::file) << key.env;
    auto expected = key.id == key_id::public_url
                      ? "http://" + std::string{key_info(key_id::listen).default_text}
                      : std::string{key.default_text};
    EXPECT_EQ(value.text, expected) << key.env;
  }
}

TEST(config_template, uncommented_it_loads_the_default_configuration) {
  config_sources sources;
  sources.file_text = uncommented(config_template());
  sources.env = [](std::string_view) { return std::optional<std::string>{}; };
  sources.flags.emplace("twilio.mode", "simulator");
  auto loaded = load_config(sources);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().to_string();
  EXPECT_EQ(without_origins(describe_effective(*loaded)),
            without_origins(describe_effective(default_config())));
}

} // namespace
} // namespace verity::test
