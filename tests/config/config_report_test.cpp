// What check-config and the start log tell an operator: the effective values with secrets
// redacted, and the warnings about a valid configuration.
#include <algorithm>

#include "tests/config/config_fixture.hpp"

namespace verity::test {
namespace {

/// The subject of each warning, for comparing warning lists without their wording.
std::vector<std::string> warned_about(const config& settings) {
  std::vector<std::string> subjects;
  for (const auto& warning : config_warnings(settings))
    subjects.push_back(warning.substr(0, warning.find_first_of(" :")));
  return subjects;
}

TEST_F(config_test, warnings_name_what_an_operator_must_know) {
  using subjects = std::vector<std::string>;
  EXPECT_EQ(warned_about(loaded()), (subjects{"VERITY_TWILIO", "VERITY_API_KEYS"}))
    << "the defaults simulate Twilio and keep /v1 closed";
  use_twilio();
  env_["VERITY_API_KEYS"] = "key-one";
  EXPECT_EQ(warned_about(loaded()), subjects{});
  env_["VERITY_SYNC"] = "false";
  EXPECT_EQ(warned_about(loaded()), subjects{"VERITY_SYNC"});
  env_["VERITY_SYNC"] = "true";
  env_["TWILIO_WHATSAPP_NUMBER"] = "whatsapp:+1 415 523 8886";
  auto sandboxed = loaded();
  EXPECT_EQ(warned_about(sandboxed), subjects{"TWILIO_WHATSAPP_NUMBER"});
  EXPECT_TRUE(contains(config_warnings(sandboxed).front(), "one message every 3 s"));
  env_["TWILIO_WHATSAPP_NUMBER"] = "+14155238887";
  EXPECT_EQ(warned_about(loaded()), subjects{}) << "only the sandbox number is paced";
}

TEST_F(config_test, secrets_are_redacted_when_described) {
  use_twilio();
  env_["VERITY_API_KEYS"] = "key-one,key-two";
  env_["TWILIO_AUTH_TOKEN_PREVIOUS"] = "previous-token-previous-token";
  env_["VERITY_CODE_SECRET"] = "a-long-enough-secret";
  auto described = describe_effective(loaded());
  for (auto secret : {std::string{"key-one"}, std::string{"key-two"}, auth_token,
                      std::string{"previous-token"}, std::string{"a-long-enough-secret"}})
    EXPECT_FALSE(contains(described, secret)) << described;
  EXPECT_EQ(std::count(described.begin(), described.end(), '\n'), 48);
  EXPECT_TRUE(contains(described, "VERITY_DEMO" + std::string(24, ' ') + "= auto (default)")) << described;
  EXPECT_TRUE(contains(described, "<redacted> (environment TWILIO_AUTH_TOKEN)")) << described;
  EXPECT_TRUE(contains(described, account_sid)) << "the account SID is not a secret";
  EXPECT_TRUE(contains(described, "TWILIO_WHATSAPP_NUMBER" + std::string(13, ' ') + "= <unset> (default)"))
    << described;
}

} // namespace
} // namespace verity::test
