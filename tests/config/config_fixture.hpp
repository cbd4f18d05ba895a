#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "config/config.hpp"

namespace verity::test {

inline const std::string account_sid = "AC0123456789abcdef0123456789ABCDEF";
inline const std::string auth_token = "f00dfeedf00dfeedf00dfeedf00dfeed";
inline const std::string sender = "+14155552671";

/// Loads configurations from a scripted environment, flags and TOML file in a temporary
/// directory of its own.
class config_test : public ::testing::Test {
protected:
  void SetUp() override {
    std::random_device seed;
    dir_ = std::filesystem::temp_directory_path()
           / ("verity-config-test-" + std::to_string(seed()) + std::to_string(seed()));
    std::filesystem::create_directories(dir_);
  }

  void TearDown() override { std::filesystem::remove_all(dir_); }

  /// Writes `text` as the TOML file of the next load.
  void write_file(std::string_view text) {
    file_ = dir_ / "verity.toml";
    std::ofstream{file_} << text;
  }

  /// Sets real Twilio credentials and a sender, with an https public URL, in live mode (the
  /// default).
  void use_twilio() {
    simulated_ = false;
    env_["TWILIO_ACCOUNT_SID"] = account_sid;
    env_["TWILIO_AUTH_TOKEN"] = auth_token;
    env_["TWILIO_PHONE_NUMBER"] = sender;
    env_["VERITY_PUBLIC_URL"] = "https://verity.example.com";
  }

  tl::expected<config, config_error> load() const {
    config_sources sources;
    sources.file = file_;
    sources.env = [this](std::string_view name) -> std::optional<std::string> {
      auto found = env_.find(name);
      return found == env_.end() ? std::nullopt : std::optional{found->second};
    };
    sources.flags = flags_;
    if (simulated_ && !env_.contains("VERITY_TWILIO"))
      sources.flags.emplace("twilio.mode", "simulator");
    return load_config(sources);
  }

  /// The problems of a load that must fail, joined by newlines.
  std::string problems() const {
    auto loaded = load();
    EXPECT_FALSE(loaded) << "the configuration was accepted";
    return loaded ? std::string{} : loaded.error().to_string();
  }

  /// The configuration of a load that must succeed.
  config loaded() const {
    auto result = load();
    EXPECT_TRUE(result) << (result ? "" : result.error().to_string());
    return result ? *result : config{};
  }

  /// Runs the built-in simulator (--twilio.mode simulator) unless the test sets VERITY_TWILIO
  /// or that flag itself; false leaves the default, live.
  bool simulated_ = true;
  std::filesystem::path dir_;
  std::filesystem::path file_;
  std::map<std::string, std::string, std::less<>> env_;
  std::map<std::string, std::string, std::less<>> flags_;
};

/// True when `text` holds `part`.
inline bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

} // namespace verity::test
