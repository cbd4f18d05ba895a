#include "engine/standard_webhook.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace verity {
namespace {

// The reference vector published with the Standard Webhooks specification.
constexpr std::string_view spec_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr std::string_view spec_id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr std::int64_t spec_seconds = 1614265330;
constexpr std::string_view spec_body = R"({"test": 2432232314})";
constexpr std::string_view spec_signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

std::vector<webhook_secret> secrets_of(std::initializer_list<std::string_view> texts) {
  std::vector<webhook_secret> secrets;
  for (auto text : texts)
    secrets.push_back(webhook_secret::parse(text).value());
  return secrets;
}

TEST(standard_webhook, signs_the_specification_vector) {
  auto headers = sign_webhook(spec_id, spec_seconds, spec_body, secrets_of({spec_secret}));
  EXPECT_EQ(headers.id, spec_id);
  EXPECT_EQ(headers.timestamp, "1614265330");
  EXPECT_EQ(headers.signature, spec_signature);
}

TEST(standard_webhook, signs_with_every_secret_during_a_rotation) {
  const std::string other = "whsec_" + std::string(32, 'A');
  auto headers =
    sign_webhook(spec_id, spec_seconds, spec_body, secrets_of({other, spec_secret}));
  auto space = headers.signature.find(' ');
  ASSERT_NE(space, std::string::npos);
  EXPECT_EQ(headers.signature.substr(space + 1), spec_signature);
  EXPECT_TRUE(headers.signature.starts_with("v1,"));
}

TEST(standard_webhook, verifies_the_specification_vector_within_the_tolerance) {
  auto secrets = secrets_of({spec_secret});
  EXPECT_TRUE(verify_webhook(spec_id, "1614265330", spec_signature, spec_body, secrets,
                             spec_seconds + 299));
  EXPECT_FALSE(verify_webhook(spec_id, "1614265330", spec_signature, spec_body, secrets,
                              spec_seconds + 301));
  EXPECT_FALSE(verify_webhook(spec_id, "1614265330", spec_signature, spec_body, secrets,
                              spec_seconds - 301));
}

TEST(standard_webhook, accepts_one_matching_entry_among_several) {
  std::string header = "v1,bm90IGl0 " + std::string(spec_signature) + " v2,other";
  EXPECT_TRUE(verify_webhook(spec_id, "1614265330", header, spec_body, secrets_of({spec_secret}),
                             spec_seconds));
}

TEST(standard_webhook, rejects_a_changed_body_id_timestamp_or_secret) {
  auto secrets = secrets_of({spec_secret});
  EXPECT_FALSE(verify_webhook(spec_id, "1614265330", spec_signature, R"({"test": 2432232315})",
                              secrets, spec_seconds));
  EXPECT_FALSE(verify_webhook("msg_other", "1614265330", spec_signature, spec_body, secrets,
                              spec_seconds));
  EXPECT_FALSE(verify_webhook(spec_id, "1614265331", spec_signature, spec_body, secrets,
                              spec_seconds));
  EXPECT_FALSE(verify_webhook(spec_id, "1614265330", spec_signature, spec_body,
                              secrets_of({"whsec_" + std::string(32, 'B')}), spec_seconds));
  EXPECT_FALSE(verify_webhook(spec_id, "1614265330", "", spec_body, secrets, spec_seconds));
  EXPECT_FALSE(verify_webhook(spec_id, "soon", spec_signature, spec_body, secrets, spec_seconds));
  EXPECT_FALSE(verify_webhook(spec_id, "1614265330", spec_signature, spec_body, {}, spec_seconds));
}

TEST(standard_webhook, parses_only_whsec_secrets_of_the_allowed_size) {
  EXPECT_TRUE(webhook_secret::parse(spec_secret).has_value());
  EXPECT_EQ(webhook_secret::parse(spec_secret)->key().size(), 24U);
  EXPECT_FALSE(webhook_secret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").has_value());
  EXPECT_FALSE(webhook_secret::parse("whsec_").has_value());
  EXPECT_FALSE(webhook_secret::parse("whsec_c2hvcnQ=").has_value()); // 5 bytes
  EXPECT_FALSE(webhook_secret::parse("whsec_not base64 at all!!!!!!!!!!").has_value());
  EXPECT_FALSE(webhook_secret::parse("whsec_" + std::string(88, 'A')).has_value()); // 66 bytes
  EXPECT_TRUE(webhook_secret::parse("whsec_" + std::string(84, 'A')).has_value());  // 63 bytes
}

} // namespace
} // namespace verity
