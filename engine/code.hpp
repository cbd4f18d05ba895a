#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace verity {

/// Shortest verification code Verity sends (Twilio Verify's lower bound).
inline constexpr int min_code_length = 4;

/// Longest verification code Verity sends (Twilio Verify's upper bound).
inline constexpr int max_code_length = 10;

/// Random salt stored beside a code's digest, so equal codes never share a digest.
using code_salt = std::array<std::uint8_t, 16>;

/// HMAC-SHA256 of a code: the only form in which a code is kept (plaintext never is).
using code_digest = std::array<std::uint8_t, 32>;

/// Fills `out` from OpenSSL's CSPRNG. A CSPRNG failure is fatal for a service that hands out
/// secrets, so it throws std::runtime_error instead of returning weak bytes; this is the one
/// exception the engine lets escape.
void fill_random(std::span<std::uint8_t> out);

/// Generates a uniformly distributed decimal code of `length` digits from the CSPRNG (rejection
/// sampling, no modulo bias). `length` must lie in [min_code_length, max_code_length]: the
/// configuration enforces it, so a violation is a bug and throws std::invalid_argument. Throws
/// std::runtime_error when the CSPRNG fails (see fill_random).
std::string generate_code(int length);

/// Keyed hash of verification codes: turns a code into a digest that is useless without the
/// server secret, and checks a submitted code against a stored digest in constant time.
class code_hasher {
public:
  /// Keys the hasher with the server secret (raw bytes; use at least 32 random bytes). The
  /// copy held here is wiped when the hasher is destroyed.
  explicit code_hasher(std::span<const std::uint8_t> secret);

  /// Same as above for a secret held in a string (its bytes are the key).
  explicit code_hasher(std::string_view secret);

  code_hasher(const code_hasher&) = default;
  code_hasher(code_hasher&&) noexcept = default;

  /// Copy- and move-assignment in one (copy and swap): the replaced secret is wiped too.
  code_hasher& operator=(code_hasher other) noexcept;

  /// Wipes the secret from memory.
  ~code_hasher();

  /// HMAC-SHA256(secret, salt || code): what is stored in place of the code. Throws
  /// std::runtime_error only if OpenSSL itself fails (out of memory), which is fatal.
  [[nodiscard]] code_digest digest(std::string_view code, const code_salt& salt) const;

  /// A fresh random salt for a new code; throws std::runtime_error when the CSPRNG fails.
  [[nodiscard]] static code_salt make_salt();

  /// True if `code` is the code whose digest is `expected`. The digests are compared in
  /// constant time; a code of the wrong length or with non-digits never matches, and is still
  /// hashed and compared so that the answer takes the same time.
  [[nodiscard]] bool matches(std::string_view code, const code_salt& salt,
                             const code_digest& expected) const;

private:
  std::vector<std::uint8_t> secret_;
};

/// Compares two secrets (API keys, tokens) without leaking their contents through timing: both
/// are hashed with SHA-256 and the digests compared with CRYPTO_memcmp. Only the lengths can
/// show in the timing (hashing time grows with the input, in 64-byte blocks). Returns false if
/// OpenSSL cannot hash (fail closed).
[[nodiscard]] bool constant_time_equal(std::string_view a, std::string_view b);

} // namespace verity
