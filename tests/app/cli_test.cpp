#include "app/cli.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "verity/version.hpp"

namespace verity {
namespace {

using namespace std::chrono_literals;
using testing::internal::CaptureStderr;
using testing::internal::CaptureStdout;
using testing::internal::GetCapturedStderr;
using testing::internal::GetCapturedStdout;

/// What one run of the command line did.
struct outcome {
  std::variant<launch, int> result;
  std::string out;
  std::string err;

  int exit_code() const { return std::holds_alternative<int>(result) ? std::get<int>(result) : -1; }
};

class cli_test : public ::testing::Test {
protected:
  void SetUp() override {
    std::random_device seed;
    dir_ = std::filesystem::temp_directory_path()
           / ("verity-cli-test-" + std::to_string(seed()) + std::to_string(seed()));
    std::filesystem::create_directories(dir_);
  }

  void TearDown() override { std::filesystem::remove_all(dir_); }

  /// Writes a TOML file and returns its path.
  std::string write_file(std::string_view text) const {
    auto path = dir_ / "verity.toml";
    std::ofstream{path} << text;
    return path.string();
  }

  /// Runs `verity <args>` with the test's environment, capturing stdout and stderr.
  outcome run(std::vector<std::string> args) const {
    args.insert(args.begin(), "verity");
    std::vector<const char*> argv;
    for (const auto& arg : args)
      argv.push_back(arg.c_str());
    auto env = [this](std::string_view name) -> std::optional<std::string> {
      auto found = env_.find(name);
      return found == env_.end() ? std::nullopt : std::optional{found->second};
    };
    CaptureStdout();
    CaptureStderr();
    auto result = parse_command_line(static_cast<int>(argv.size()), argv.data(), env);
    auto out = GetCapturedStdout();
    return {std::move(result), std::move(out), GetCapturedStderr()};
  }

  /// The settings of a run that must launch the engine.
  config launched(std::vector<std::string> args) const {
    auto ran = run(std::move(args));
    EXPECT_TRUE(std::holds_alternative<launch>(ran.result)) << ran.err;
    return std::holds_alternative<launch>(ran.result) ? std::get<launch>(ran.result).settings
                                                      : config{};
  }

  std::filesystem::path dir_;
  /// The built-in simulator unless a test says otherwise: the default, live, needs credentials.
  std::map<std::string, std::string, std::less<>> env_{{"VERITY_TWILIO", "simulator"}};
};

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST_F(cli_test, no_arguments_launch_with_defaults) {
  auto ran = run({});
  ASSERT_TRUE(std::holds_alternative<launch>(ran.result)) << ran.err;
  EXPECT_EQ(std::get<launch>(ran.result).settings.listen.to_string(), "127.0.0.1:8080");
  EXPECT_EQ(ran.out, "");
  EXPECT_EQ(ran.err, "");
}

TEST_F(cli_test, version_prints_the_version) {
  auto ran = run({"--version"});
  EXPECT_EQ(ran.exit_code(), 0);
  EXPECT_EQ(ran.out, std::string{"verity "} + version + "\n");
}

TEST_F(cli_test, help_lists_every_key_with_its_environment_name_and_default) {
  auto ran = run({"--help"});
  EXPECT_EQ(ran.exit_code(), 0);
  for (const auto& key : config_keys()) {
    EXPECT_TRUE(contains(ran.out, flag_name(key) + " VALUE")) << key.file_key;
    EXPECT_TRUE(contains(ran.out, "env " + std::string{key.env})) << key.env;
  }
  EXPECT_TRUE(contains(ran.out, "API_BASE_URL"));
  EXPECT_TRUE(contains(ran.out, "default 5/10m"));
  EXPECT_TRUE(contains(ran.out, "--config FILE"));
  EXPECT_TRUE(contains(ran.out, "check-config"));
}

TEST_F(cli_test, flags_override_environment_over_file_over_defaults) {
  auto file = write_file("code.ttl = \"20m\"\ndelivery.timeout = \"11s\"\ncode.length = 7\n");
  env_["VERITY_DELIVERY_TIMEOUT"] = "12s";
  env_["VERITY_CODE_LENGTH"] = "8";
  auto c = launched({"--config", file, "--code.length", "9"});
  EXPECT_EQ(c.code_ttl, 20min);
  EXPECT_EQ(c.delivery_timeout, 12s);
  EXPECT_EQ(c.code_length, 9U);
  EXPECT_EQ(c.max_checks, 5U);
}

TEST_F(cli_test, flags_take_both_spellings_and_the_last_one_wins) {
  auto c = launched({"--delivery.timeout=15s", "--listen", "[::1]:0", "--code.length", "4",
                     "--code.length=5"});
  EXPECT_EQ(c.delivery_timeout, 15s);
  EXPECT_EQ(c.listen.host, "::1");
  EXPECT_EQ(c.code_length, 5U);
}

TEST_F(cli_test, the_seed_alias_sets_the_public_url) {
  env_["API_BASE_URL"] = "https://seed.example.com";
  EXPECT_EQ(launched({}).public_url, "https://seed.example.com");
}

TEST_F(cli_test, check_config_prints_the_effective_configuration) {
  env_ = {{"TWILIO_ACCOUNT_SID", "AC0123456789abcdef0123456789abcdef"},
          {"TWILIO_AUTH_TOKEN", "super-secret-token"},
          {"TWILIO_PHONE_NUMBER", "+14155552671"},
          {"VERITY_PUBLIC_URL", "https://verity.example.com"}};
  auto file = write_file("code.ttl = \"20m\"\n");
  auto ran = run({"check-config", "--config", file, "--api.keys", "k1,k2"});
  EXPECT_EQ(ran.exit_code(), 0) << ran.err;
  EXPECT_EQ(ran.err, "");
  EXPECT_TRUE(contains(ran.out, "= 20m (file " + file + ")")) << ran.out;
  EXPECT_TRUE(contains(ran.out, "= <redacted> (flag --api.keys)")) << ran.out;
  EXPECT_TRUE(contains(ran.out, "= <redacted> (environment TWILIO_AUTH_TOKEN)")) << ran.out;
  EXPECT_TRUE(contains(ran.out, "= https://verity.example.com (environment VERITY_PUBLIC_URL)"));
  EXPECT_FALSE(contains(ran.out, "super-secret-token"));
  EXPECT_FALSE(contains(ran.out, "k1"));
}

TEST_F(cli_test, check_config_warns_on_stderr_and_still_exits_0) {
  auto ran = run({"check-config", "--sync", "false"});
  EXPECT_EQ(ran.exit_code(), 0) << ran.err;
  EXPECT_TRUE(contains(ran.out, "VERITY_SYNC")) << ran.out;
  EXPECT_FALSE(contains(ran.out, "warning:")) << "the table stays machine-readable";
  EXPECT_TRUE(contains(ran.err, "warning: VERITY_SYNC is off")) << ran.err;
  EXPECT_TRUE(contains(ran.err, "warning: VERITY_TWILIO is simulator")) << ran.err;
}

TEST_F(cli_test, check_config_takes_options_before_the_subcommand_too) {
  auto ran = run({"--code.length", "8", "check-config"});
  EXPECT_EQ(ran.exit_code(), 0) << ran.err;
  EXPECT_TRUE(contains(ran.out, "= 8 (flag --code.length)")) << ran.out;
}

TEST_F(cli_test, check_config_reports_every_invalid_key_and_exits_2) {
  env_["VERITY_DELIVERY_TIMEOUT"] = "soon";
  env_["VERITY_CODE_SECRET"] = "tiny";
  auto ran = run({"check-config", "--fallback", "sometimes"});
  EXPECT_EQ(ran.exit_code(), 2);
  EXPECT_EQ(ran.out, "");
  EXPECT_TRUE(contains(ran.err, "VERITY_DELIVERY_TIMEOUT: value 'soon' is invalid: expected"));
  EXPECT_TRUE(contains(ran.err, "VERITY_FALLBACK: value 'sometimes' is invalid: expected manual, "
                                "auto or none\n"));
  EXPECT_TRUE(contains(ran.err, "VERITY_CODE_SECRET: value '<redacted>' is invalid"));
  EXPECT_FALSE(contains(ran.err, "tiny"));
}

TEST_F(cli_test, a_bad_value_stops_a_normal_start_with_exit_2) {
  env_["VERITY_CODE_LENGTH"] = "3";
  auto ran = run({});
  EXPECT_EQ(ran.exit_code(), 2);
  EXPECT_EQ(ran.err, "VERITY_CODE_LENGTH: value '3' is invalid: expected a whole number from 4 "
                     "to 10\n");
}

TEST_F(cli_test, live_mode_without_credentials_stops_the_start_with_one_line) {
  env_.clear();
  auto ran = run({});
  EXPECT_EQ(ran.exit_code(), 2);
  EXPECT_EQ(std::count(ran.err.begin(), ran.err.end(), '\n'), 1) << ran.err;
  EXPECT_EQ(ran.err.rfind("VERITY_TWILIO: value 'live' is invalid: expected Twilio credentials "
                          "for live mode, missing TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, a sender",
                          0),
            0U)
    << ran.err;
  EXPECT_TRUE(contains(ran.err, "set VERITY_TWILIO=simulator")) << ran.err;
  EXPECT_TRUE(std::holds_alternative<launch>(run({"--twilio.mode", "simulator"}).result));
}

TEST_F(cli_test, toml_problems_stop_the_start) {
  auto file = write_file("[delivery]\ntimeot = \"1s\"\n");
  auto ran = run({"--config", file});
  EXPECT_EQ(ran.exit_code(), 2);
  EXPECT_TRUE(contains(ran.err, "unknown key 'delivery.timeot'")) << ran.err;
}

TEST_F(cli_test, usage_errors_exit_2) {
  for (const auto& args : std::vector<std::vector<std::string>>{
         {"--no-such-flag"}, {"--delivery.timeout"}, {"stray"}, {"check-config", "extra"}}) {
    auto ran = run(args);
    EXPECT_EQ(ran.exit_code(), 2) << args.front();
    EXPECT_FALSE(ran.err.empty()) << args.front();
  }
}

} // namespace
} // namespace verity
