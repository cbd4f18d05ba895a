#include "net/api/secret_store.hpp"

#include <gtest/gtest.h>

namespace verity::net {
namespace {

TEST(secret_store, a_replacement_applies_to_later_readers_only) {
  secret_store store{{{"old-key"}, "token-1", ""}};
  auto before = store.current();
  store.replace({{"old-key", "new-key"}, "token-2", "token-1"});
  auto after = store.current();
  EXPECT_EQ(before->api_keys, std::vector<std::string>{"old-key"}) << "a snapshot never changes";
  EXPECT_EQ(after->api_keys, (std::vector<std::string>{"old-key", "new-key"}));
  EXPECT_EQ(after->callback_tokens(), (std::vector<std::string>{"token-2", "token-1"}));
}

TEST(secret_store, secrets_come_from_the_configuration) {
  auto settings = default_config();
  settings.api_keys = {"k1", "k2"};
  settings.twilio.auth_token = "current";
  settings.twilio.auth_token_previous = "previous";
  auto secrets = rotating_secrets_of(settings);
  EXPECT_EQ(secrets.api_keys, settings.api_keys);
  EXPECT_EQ(secrets.callback_tokens(), (std::vector<std::string>{"current", "previous"}));
}

} // namespace
} // namespace verity::net
