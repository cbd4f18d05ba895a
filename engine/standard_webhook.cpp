#include "engine/standard_webhook.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <charconv>
#include <stdexcept>

#include "engine/keyed_hmac.hpp"

namespace verity {

namespace {

constexpr std::string_view secret_prefix = "whsec_";
constexpr std::string_view version_prefix = "v1,";
constexpr std::size_t min_key_bytes = 24;
constexpr std::size_t max_key_bytes = 64;

/// The bytes of standard base64 `text` (with padding), or nothing when it is not base64.
std::optional<std::vector<std::uint8_t>> decode_base64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0)
    return std::nullopt;
  std::vector<std::uint8_t> bytes(text.size() / 4 * 3);
  const auto* encoded = reinterpret_cast<const unsigned char*>(text.data());
  const int size = EVP_DecodeBlock(bytes.data(), encoded, static_cast<int>(text.size()));
  if (size < 0)
    return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes: drop them.
  auto padding = static_cast<std::size_t>(text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0);
  bytes.resize(static_cast<std::size_t>(size) - padding);
  return bytes;
}

/// Standard base64 (with padding) of `bytes`.
std::string encode_base64(std::span<const std::uint8_t> bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3), '\0');
  const int size = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()), bytes.data(),
                                   static_cast<int>(bytes.size()));
  text.resize(static_cast<std::size_t>(size));
  return text;
}

/// "v1,<base64 HMAC-SHA256(key, id.timestamp.body)>".
std::string signature_with(const webhook_secret& secret, std::string_view id,
                           std::string_view timestamp, std::string_view body) {
  std::string signed_content;
  signed_content.reserve(id.size() + timestamp.size() + body.size() + 2);
  signed_content.append(id).append(".").append(timestamp).append(".").append(body);
  auto mac = thread_hmac(hmac_digest::sha256, secret.key()).compute(signed_content);
  if (mac.empty())
    throw std::runtime_error("HMAC-SHA256 failed while signing a webhook");
  return std::string(version_prefix) + encode_base64(mac);
}

/// The Unix seconds written in `text`, or nothing.
std::optional<std::int64_t> parse_seconds(std::string_view text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

/// True if `a` equals `b`, in time that depends on the lengths only.
bool same_text(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace

std::optional<webhook_secret> webhook_secret::parse(std::string_view text) {
  if (!text.starts_with(secret_prefix))
    return std::nullopt;
  auto key = decode_base64(text.substr(secret_prefix.size()));
  if (!key || key->size() < min_key_bytes || key->size() > max_key_bytes)
    return std::nullopt;
  return webhook_secret{std::move(*key)};
}

webhook_headers sign_webhook(std::string_view id, std::int64_t unix_seconds,
                             std::string_view body, std::span<const webhook_secret> secrets) {
  webhook_headers headers{std::string(id), std::to_string(unix_seconds), {}};
  for (const auto& secret : secrets) {
    if (!headers.signature.empty())
      headers.signature.push_back(' ');
    headers.signature += signature_with(secret, id, headers.timestamp, body);
  }
  return headers;
}

bool verify_webhook(std::string_view id, std::string_view timestamp,
                    std::string_view signature_header, std::string_view body,
                    std::span<const webhook_secret> secrets, std::int64_t now_unix_seconds,
                    std::int64_t tolerance_seconds) noexcept {
  auto sent = parse_seconds(timestamp);
  if (id.empty() || !sent || *sent < now_unix_seconds - tolerance_seconds
      || *sent > now_unix_seconds + tolerance_seconds)
    return false;
  try {
    bool matched = false;
    for (const auto& secret : secrets) {
      auto expected = signature_with(secret, id, timestamp, body);
      std::string_view rest = signature_header;
      while (!rest.empty()) {
        auto end = std::min(rest.find(' '), rest.size());
        matched |= same_text(rest.substr(0, end), expected);
        rest.remove_prefix(std::min(end + 1, rest.size()));
      }
    }
    return matched;
  } catch (const std::exception&) {
    return false;
  }
}

} // namespace verity
