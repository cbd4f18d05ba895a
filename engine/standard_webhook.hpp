#pragma once

// Signing and checking webhooks the way the Standard Webhooks specification says, so platforms
// verify what Verity sends with the libraries they already use.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace verity {

/// A Standard Webhooks signing secret: "whsec_" followed by the base64 of 24 to 64 random
/// bytes. Only the decoded key is kept; it is never printed.
class webhook_secret {
public:
  /// The secret written as `text`, or nothing when it is not "whsec_<base64>" of 24 to 64
  /// bytes (the specification's range).
  [[nodiscard]] static std::optional<webhook_secret> parse(std::string_view text);

  /// The HMAC-SHA256 key.
  [[nodiscard]] std::span<const std::uint8_t> key() const noexcept { return key_; }

private:
  explicit webhook_secret(std::vector<std::uint8_t> key) : key_(std::move(key)) {
  }

  std::vector<std::uint8_t> key_;
};

/// The three headers of one signed webhook delivery.
struct webhook_headers {
  std::string id;        ///< `webhook-id`: the same on every retry of one message.
  std::string timestamp; ///< `webhook-timestamp`: Unix seconds of this attempt.
  std::string signature; ///< `webhook-signature`: "v1,<base64>" per secret, space-separated.
};

/// Signs `body` for message `id` sent at `unix_seconds` with every secret in `secrets` (two
/// while a secret is rotated): HMAC-SHA256 of "<id>.<timestamp>.<body>", base64, "v1," first.
/// Throws std::runtime_error only if OpenSSL fails.
[[nodiscard]] webhook_headers sign_webhook(std::string_view id, std::int64_t unix_seconds,
                                           std::string_view body,
                                           std::span<const webhook_secret> secrets);

/// True if one "v1,..." entry of `signature_header` is the signature of `body` for `id` and
/// `timestamp` under one of `secrets` (compared in constant time), and `timestamp` is within
/// `tolerance_seconds` of `now_unix_seconds` (the specification's replay defence: 5 minutes).
[[nodiscard]] bool verify_webhook(std::string_view id, std::string_view timestamp,
                                  std::string_view signature_header, std::string_view body,
                                  std::span<const webhook_secret> secrets,
                                  std::int64_t now_unix_seconds,
                                  std::int64_t tolerance_seconds = 300) noexcept;

} // namespace verity
