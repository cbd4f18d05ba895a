#include "engine/code.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace verity {

namespace {

/// Bytes below this bound are accepted as digits (250 = 25 * 10): taking `% 10` of them is
/// exactly uniform; the six values 250..255 are thrown away.
constexpr std::uint8_t digit_rejection_bound = 250;

/// An exception carrying `what` and OpenSSL's reason for the latest failure.
std::runtime_error openssl_failure(std::string_view what) {
  std::array<char, 256> reason{};
  ERR_error_string_n(ERR_get_error(), reason.data(), reason.size());
  return std::runtime_error(std::string(what) + ": " + reason.data());
}

/// True for a code Verity could have generated: only digits, of an allowed length.
bool is_well_formed_code(std::string_view code) {
  const bool length_ok = code.size() >= static_cast<std::size_t>(min_code_length)
                         && code.size() <= static_cast<std::size_t>(max_code_length);
  return length_ok
         && std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// The salt followed by the code: the message the digest is computed over.
std::vector<std::uint8_t> salted_message(std::string_view code, const code_salt& salt) {
  std::vector<std::uint8_t> message(salt.begin(), salt.end());
  message.insert(message.end(), code.begin(), code.end());
  return message;
}

/// A SHA-256 digest.
using sha256_digest = std::array<std::uint8_t, 32>;

/// Computes the SHA-256 of `data` into `out`; false when OpenSSL fails.
bool sha256(std::string_view data, sha256_digest& out) {
  return EVP_Digest(data.data(), data.size(), out.data(), nullptr, EVP_sha256(), nullptr) == 1;
}

} // namespace

void fill_random(std::span<std::uint8_t> out) {
  constexpr auto max_chunk = static_cast<std::size_t>(std::numeric_limits<int>::max());
  while (!out.empty()) {
    const auto chunk = out.first(std::min(out.size(), max_chunk));
    if (RAND_bytes(chunk.data(), static_cast<int>(chunk.size())) != 1) {
      throw openssl_failure("CSPRNG failure (RAND_bytes)");
    }
    out = out.subspan(chunk.size());
  }
}

std::string generate_code(int length) {
  if (length < min_code_length || length > max_code_length) {
    throw std::invalid_argument("verification code length must be between 4 and 10");
  }
  const auto wanted = static_cast<std::size_t>(length);
  std::string code;
  code.reserve(wanted);
  std::array<std::uint8_t, 16> pool{};
  while (code.size() < wanted) {
    fill_random(pool);
    for (const auto byte : pool) {
      if (byte < digit_rejection_bound && code.size() < wanted) {
        code.push_back(static_cast<char>('0' + byte % 10));
      }
    }
  }
  OPENSSL_cleanse(pool.data(), pool.size());
  return code;
}

code_hasher::code_hasher(std::span<const std::uint8_t> secret)
    : secret_(secret.begin(), secret.end()) {}

code_hasher::code_hasher(std::string_view secret) : secret_(secret.begin(), secret.end()) {}

code_hasher& code_hasher::operator=(code_hasher other) noexcept {
  secret_.swap(other.secret_);
  return *this;
}

code_hasher::~code_hasher() {
  OPENSSL_cleanse(secret_.data(), secret_.size());
}

code_digest code_hasher::digest(std::string_view code, const code_salt& salt) const {
  // OpenSSL 3 reads a null key as "no key": give an empty secret a valid address.
  static constexpr std::uint8_t no_key = 0;
  const std::uint8_t* key = secret_.empty() ? &no_key : secret_.data();
  auto message = salted_message(code, salt);
  code_digest out{};
  unsigned int out_size = 0;
  const bool ok = HMAC(EVP_sha256(), key, static_cast<int>(secret_.size()), message.data(),
                       message.size(), out.data(), &out_size)
                  != nullptr;
  OPENSSL_cleanse(message.data(), message.size());
  if (!ok || out_size != out.size()) {
    throw openssl_failure("HMAC-SHA256 failure");
  }
  return out;
}

code_salt code_hasher::make_salt() {
  code_salt salt{};
  fill_random(salt);
  return salt;
}

bool code_hasher::matches(std::string_view code, const code_salt& salt,
                          const code_digest& expected) const {
  const bool well_formed = is_well_formed_code(code);
  const code_digest actual = digest(code, salt);
  const bool equal = CRYPTO_memcmp(actual.data(), expected.data(), actual.size()) == 0;
  return well_formed && equal;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  sha256_digest digest_a{};
  sha256_digest digest_b{};
  const bool hashed = sha256(a, digest_a) && sha256(b, digest_b);
  return hashed && CRYPTO_memcmp(digest_a.data(), digest_b.data(), digest_a.size()) == 0;
}

} // namespace verity
