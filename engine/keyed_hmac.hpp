#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace verity {

/// The hash functions Verity computes HMACs with.
enum class hmac_digest { sha1, sha256 };

/// An HMAC key set up once in an OpenSSL context, for MACs computed over and over with the same
/// key: the one-shot HMAC() fetches the algorithm and sets up the key again on every call,
/// which cost as much as the hashing itself on the callback path. Not thread-safe (one per
/// thread: see `thread_hmac`).
class keyed_hmac {
public:
  /// Sets up `key` (may be empty) for `digest`. Throws std::runtime_error if OpenSSL fails.
  keyed_hmac(hmac_digest digest, std::span<const std::uint8_t> key);
  ~keyed_hmac();
  keyed_hmac(const keyed_hmac&) = delete;
  keyed_hmac& operator=(const keyed_hmac&) = delete;

  /// The MAC of `data` (20 bytes for SHA-1, 32 for SHA-256); empty if OpenSSL fails.
  std::vector<std::uint8_t> compute(std::string_view data);

  /// True if this context was set up for `digest` with `key`.
  bool has(hmac_digest digest, std::span<const std::uint8_t> key) const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// The calling thread's context for `digest` and `key`, set up again only when the key
/// differs from the last one this thread used for that digest (a rotated secret).
keyed_hmac& thread_hmac(hmac_digest digest, std::span<const std::uint8_t> key);

/// The bytes of a text key.
inline std::span<const std::uint8_t> key_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

} // namespace verity
