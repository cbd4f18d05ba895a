#include "engine/keyed_hmac.hpp"

#include <string>

#include <gtest/gtest.h>

namespace verity {
namespace {

/// Lower-case hex of `bytes`.
std::string hex(const std::vector<std::uint8_t>& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string text;
  for (auto byte : bytes) {
    text.push_back(digits[byte >> 4]);
    text.push_back(digits[byte & 0x0f]);
  }
  return text;
}

// RFC 4231 test case 2 and RFC 2202 test case 2: key "Jefe".
constexpr std::string_view data = "what do ya want for nothing?";
constexpr std::string_view sha256_of_data =
  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
constexpr std::string_view sha1_of_data = "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79";

TEST(keyed_hmac, matches_the_rfc_vectors_on_every_use) {
  keyed_hmac sha256{hmac_digest::sha256, key_bytes("Jefe")};
  keyed_hmac sha1{hmac_digest::sha1, key_bytes("Jefe")};
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(hex(sha256.compute(data)), sha256_of_data) << round;
    EXPECT_EQ(hex(sha1.compute(data)), sha1_of_data) << round;
  }
}

TEST(keyed_hmac, an_empty_key_is_a_key) {
  // RFC 2104 HMAC-SHA1 with an empty key over an empty message.
  keyed_hmac empty{hmac_digest::sha1, {}};
  EXPECT_EQ(hex(empty.compute("")), "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d");
}

TEST(keyed_hmac, the_thread_context_follows_a_new_key) {
  EXPECT_EQ(hex(thread_hmac(hmac_digest::sha256, key_bytes("Jefe")).compute(data)),
            sha256_of_data);
  auto other = hex(thread_hmac(hmac_digest::sha256, key_bytes("Jeff")).compute(data));
  EXPECT_NE(other, sha256_of_data);
  EXPECT_TRUE(thread_hmac(hmac_digest::sha256, key_bytes("Jeff")).has(hmac_digest::sha256,
                                                                       key_bytes("Jeff")));
  EXPECT_EQ(hex(thread_hmac(hmac_digest::sha1, key_bytes("Jefe")).compute(data)), sha1_of_data);
  EXPECT_EQ(hex(thread_hmac(hmac_digest::sha256, key_bytes("Jefe")).compute(data)),
            sha256_of_data);
}

} // namespace
} // namespace verity
