#include "engine/twilio_signature.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "engine/keyed_hmac.hpp"

namespace verity {

namespace {

/// Frees a parsed libcurl URL.
struct curlu_deleter {
  void operator()(CURLU* handle) const noexcept { curl_url_cleanup(handle); }
};

/// Owns a parsed libcurl URL.
using curlu_ptr = std::unique_ptr<CURLU, curlu_deleter>;

/// Frees a string libcurl allocated.
struct curl_string_deleter {
  void operator()(char* text) const noexcept { curl_free(text); }
};

/// Owns a string libcurl allocated.
using curl_string = std::unique_ptr<char, curl_string_deleter>;

/// A param name and value, viewed in the caller's form_params.
using param_view = std::pair<std::string_view, std::string_view>;

/// The query parameter Twilio adds when it posts a JSON body.
constexpr std::string_view body_hash_key = "bodySHA256=";

/// Reads one part of a parsed URL (with curl's get `flags`), or nothing when the URL has none.
std::optional<std::string> url_part(CURLU* url, CURLUPart part, unsigned int flags) {
  char* raw = nullptr;
  if (curl_url_get(url, part, &raw, flags) != CURLUE_OK) {
    return std::nullopt;
  }
  const curl_string owned(raw);
  return std::string(owned.get());
}

/// The default port of the schemes Twilio posts to ("https" and "http", as curl spells them).
std::optional<std::string_view> default_port(std::string_view scheme) {
  if (scheme == "https") {
    return "443";
  }
  if (scheme == "http") {
    return "80";
  }
  return std::nullopt;
}

/// The URLs a signature may have been computed over: `url` exactly as given, then, for http(s),
/// the same URL without its port if that is the default one, or with the default port added if
/// it has none. curl rebuilds the variants (normalising e.g. the scheme's case); the given
/// string is always tried unchanged.
std::vector<std::string> url_variants(std::string_view url) {
  std::vector<std::string> variants{std::string(url)};
  const curlu_ptr parsed(curl_url());
  if (!parsed
      || curl_url_set(parsed.get(), CURLUPART_URL, variants.front().c_str(), CURLU_PATH_AS_IS)
             != CURLUE_OK) {
    return variants;
  }
  const auto scheme = url_part(parsed.get(), CURLUPART_SCHEME, 0);
  const auto default_port_text = scheme ? default_port(*scheme) : std::nullopt;
  if (!default_port_text) {
    return variants;
  }
  const auto port = url_part(parsed.get(), CURLUPART_PORT, 0);
  std::optional<std::string> variant;
  if (!port) {
    variant = url_part(parsed.get(), CURLUPART_URL, CURLU_DEFAULT_PORT);
  } else if (*port == *default_port_text) {
    variant = url_part(parsed.get(), CURLUPART_URL, CURLU_NO_DEFAULT_PORT);
  }
  if (variant) {
    variants.push_back(std::move(*variant));
  }
  return variants;
}

/// The raw value of the first `bodySHA256` parameter in the query of `url`, if there is one.
std::optional<std::string_view> body_hash_param(std::string_view url) {
  const auto question = url.find('?');
  if (question == std::string_view::npos) {
    return std::nullopt;
  }
  auto query = url.substr(question + 1);
  query = query.substr(0, query.find('#'));
  while (!query.empty()) {
    const auto end = std::min(query.find('&'), query.size());
    const auto pair = query.substr(0, end);
    if (pair.starts_with(body_hash_key)) {
      return pair.substr(body_hash_key.size());
    }
    query = query.substr(std::min(end + 1, query.size()));
  }
  return std::nullopt;
}

/// The string Twilio signs: the URL, then name+value for every distinct param in sorted order
/// (by name, then by value, so a repeated name contributes its distinct values sorted).
std::string signing_payload(std::string_view url, const form_params& params) {
  std::vector<param_view> sorted(params.begin(), params.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::string payload(url);
  for (const auto& [name, value] : sorted) {
    payload.append(name).append(value);
  }
  return payload;
}

/// Standard base64 (with padding) of a byte string.
std::string base64(std::span<const unsigned char> bytes) {
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> text{};
  const int size = EVP_EncodeBlock(text.data(), bytes.data(), static_cast<int>(bytes.size()));
  return std::string(reinterpret_cast<const char*>(text.data()), static_cast<std::size_t>(size));
}

/// base64(HMAC-SHA1(token, payload)), or nothing when OpenSSL fails.
std::optional<std::string> sign(std::string_view token, std::string_view payload) {
  auto mac = thread_hmac(hmac_digest::sha1, key_bytes(token)).compute(payload);
  if (mac.empty()) {
    return std::nullopt;
  }
  return base64(mac);
}

/// Lower-case hex SHA-256 of `data`, or nothing when OpenSSL fails.
std::optional<std::string> sha256_hex(std::string_view data) {
  constexpr std::string_view hex_digits = "0123456789abcdef";
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_size = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &digest_size, EVP_sha256(), nullptr)
      != 1) {
    return std::nullopt;
  }
  std::string hex;
  hex.reserve(2 * digest_size);
  for (const auto byte : std::span(digest).first(digest_size)) {
    hex.push_back(hex_digits[byte >> 4]);
    hex.push_back(hex_digits[byte & 0x0f]);
  }
  return hex;
}

/// Equality that takes the same time wherever the texts differ (their lengths are not secret).
bool constant_time_same(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

/// True if `raw_body` hashes to `expected_hex` (lower-case hex SHA-256).
bool body_hash_matches(std::string_view expected_hex, std::string_view raw_body) {
  const auto actual = sha256_hex(raw_body);
  return actual && constant_time_same(*actual, expected_hex);
}

/// True if any non-empty token signs any URL variant to `signature`. Every combination is
/// computed, so the time taken does not depend on which one matched.
bool any_signature_matches(std::string_view signature, std::span<const std::string> variants,
                           const form_params& params, std::span<const std::string> tokens) {
  bool matched = false;
  for (const auto& variant : variants) {
    const auto payload = signing_payload(variant, params);
    for (const auto& token : tokens) {
      if (token.empty()) {
        continue;
      }
      const auto expected = sign(token, payload);
      const bool match = expected && constant_time_same(*expected, signature);
      matched = matched || match;
    }
  }
  return matched;
}

/// The check shared by both overloads: `url` is the URL requested, `variants` those to try.
bool signature_valid(std::string_view signature_header, std::string_view url,
                     std::span<const std::string> variants, const form_params& params,
                     std::string_view raw_body, std::span<const std::string> auth_tokens) {
  if (signature_header.empty()) {
    return false;
  }
  const auto body_hash = body_hash_param(url);
  const bool body_ok = !body_hash || body_hash_matches(*body_hash, raw_body);
  const form_params no_params;
  const bool signature_ok = any_signature_matches(signature_header, variants,
                                                  body_hash ? no_params : params, auth_tokens);
  return body_ok && signature_ok;
}

} // namespace

std::string compute_twilio_signature(std::string_view auth_token, std::string_view url,
                                     const form_params& params) {
  auto signature = sign(auth_token, signing_payload(url, params));
  if (!signature) {
    throw std::runtime_error("HMAC-SHA1 failure while computing a Twilio signature");
  }
  return std::move(*signature);
}

std::string twilio_body_sha256(std::string_view raw_body) {
  auto hex = sha256_hex(raw_body);
  if (!hex) {
    throw std::runtime_error("SHA-256 failure while hashing a request body");
  }
  return std::move(*hex);
}

bool validate_twilio_signature(std::string_view signature_header, std::string_view url,
                               const form_params& params, std::string_view raw_body,
                               std::span<const std::string> auth_tokens) noexcept {
  return signature_valid(signature_header, url, url_variants(url), params, raw_body, auth_tokens);
}

twilio_public_url::twilio_public_url(std::string base) : base_(std::move(base)) {
  // Parsed with a path ending in '/' (as any target starts with '/') so that curl, which writes
  // an empty path as "/", rebuilds the base exactly as it would the base of a full URL.
  auto parsed = url_variants(base_ + "/");
  if (parsed.size() == 2 && parsed.back().ends_with('/')) {
    parsed.back().pop_back();
    toggled_ = std::move(parsed.back());
  }
}

std::vector<std::string> twilio_public_url::variants(std::string_view target) const {
  if (!target.starts_with('/')) {
    return url_variants(base_ + std::string(target));
  }
  std::vector<std::string> urls{base_ + std::string(target)};
  if (toggled_) {
    urls.push_back(*toggled_ + std::string(target));
  }
  return urls;
}

bool validate_twilio_signature(std::string_view signature_header,
                               const twilio_public_url& public_url, std::string_view target,
                               const form_params& params, std::string_view raw_body,
                               std::span<const std::string> auth_tokens) noexcept {
  const auto variants = public_url.variants(target);
  return signature_valid(signature_header, variants.front(), variants, params, raw_body,
                         auth_tokens);
}

} // namespace verity
