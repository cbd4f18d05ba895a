// Secrets read from files: `<KEY>_FILE` in the environment or `<file key>_file` in the TOML
// file names a file holding the value of every secret key, as container secrets are mounted.
#include <filesystem>
#include <fstream>

#include "tests/config/config_fixture.hpp"

namespace verity::test {
namespace {

class secret_files_test : public config_test {
protected:
  /// Writes `text` to a file of the test directory and returns its path.
  std::string write_secret(const std::string& name, std::string_view text) {
    auto path = dir_ / name;
    std::ofstream{path, std::ios::trunc} << text;
    return path.string();
  }
};

TEST_F(secret_files_test, every_secret_key_can_be_read_from_a_file) {
  use_twilio();
  env_.erase("TWILIO_AUTH_TOKEN");
  env_["TWILIO_AUTH_TOKEN_FILE"] = write_secret("token", auth_token + "\n");
  env_["TWILIO_AUTH_TOKEN_PREVIOUS_FILE"] = write_secret("previous", "old-token\r\n");
  env_["VERITY_API_KEYS_FILE"] = write_secret("keys", "key-one,key-two\n");
  env_["VERITY_CODE_SECRET_FILE"] = write_secret("code", "a-long-enough-secret");
  auto c = loaded();
  EXPECT_EQ(c.twilio.auth_token, auth_token) << "the trailing newline is stripped";
  EXPECT_EQ(c.twilio.auth_token_previous, "old-token");
  EXPECT_EQ(c.api_keys, (std::vector<std::string>{"key-one", "key-two"}));
  EXPECT_EQ(c.code_secret, "a-long-enough-secret");
  EXPECT_EQ(c.origins.at(key_id::twilio_auth_token).name, "TWILIO_AUTH_TOKEN_FILE");
  auto described = describe_effective(c);
  EXPECT_TRUE(contains(described, "<redacted> (environment TWILIO_AUTH_TOKEN_FILE)")) << described;
  EXPECT_FALSE(contains(described, auth_token)) << described;
}

TEST_F(secret_files_test, only_secret_keys_take_a_file) {
  env_["TWILIO_ACCOUNT_SID_FILE"] = write_secret("sid", account_sid);
  EXPECT_TRUE(loaded().twilio.account_sid.empty()) << "not a secret: no _FILE variant";
  write_file("twilio.account_sid_file = \"/dev/null\"\n");
  EXPECT_TRUE(contains(problems(), "unknown key 'twilio.account_sid_file'"));
}

TEST_F(secret_files_test, a_key_and_its_file_together_are_refused) {
  env_["VERITY_API_KEYS"] = "key-one";
  env_["VERITY_API_KEYS_FILE"] = write_secret("keys", "key-two\n");
  EXPECT_EQ(problems(),
            "VERITY_API_KEYS and VERITY_API_KEYS_FILE are both set: expected one of them");
  env_.clear();
  write_file("api.keys = \"key-one\"\napi.keys_file = \"" + write_secret("keys", "key-two")
             + "\"\n");
  auto text = problems();
  EXPECT_TRUE(contains(text, ": api.keys and api.keys_file are both set: expected one of them"))
    << text;
  EXPECT_FALSE(contains(text, "key-one")) << text;
}

TEST_F(secret_files_test, an_unreadable_file_names_the_key_and_the_path_never_the_content) {
  auto missing = (dir_ / "missing").string();
  env_["TWILIO_AUTH_TOKEN_FILE"] = missing;
  EXPECT_EQ(problems(), "TWILIO_AUTH_TOKEN_FILE: cannot read the secret file '" + missing
                          + "': No such file or directory");
  env_["TWILIO_AUTH_TOKEN_FILE"] = dir_.string();
  EXPECT_TRUE(contains(problems(), "TWILIO_AUTH_TOKEN_FILE: cannot read the secret file '"
                                     + dir_.string() + "': it is a directory"));
  env_.clear();
  write_file("code.secret_file = \"" + missing + "\"\n");
  EXPECT_TRUE(contains(problems(), "code.secret_file: cannot read the secret file '" + missing));
  env_["VERITY_CODE_SECRET_FILE"] = write_secret("short", "tiny\n");
  write_file("");
  EXPECT_EQ(problems(), "VERITY_CODE_SECRET: value '<redacted>' is invalid: expected at least "
                        "16 characters, or no value to have one generated in the data directory")
    << "a value read from a file is checked like any other, and stays redacted";
}

TEST_F(secret_files_test, the_file_is_read_again_on_each_load) {
  write_file("[twilio]\nauth_token_previous_file = \"" + write_secret("previous", "first\n")
             + "\"\n");
  use_twilio();
  EXPECT_EQ(loaded().twilio.auth_token_previous, "first");
  write_secret("previous", "second\n");
  EXPECT_EQ(loaded().twilio.auth_token_previous, "second") << "a reload (SIGHUP) loads again";
}

} // namespace
} // namespace verity::test
