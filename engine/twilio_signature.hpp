#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/form.hpp"

namespace verity {

/// The X-Twilio-Signature Twilio would send for a POST of `params` to `url` (PROTOCOL.md,
/// "X-Twilio-Signature"): base64(HMAC-SHA1(auth_token, url + name+value...)), names sorted,
/// the values of a repeated name de-duplicated and sorted. `url` is used exactly as given.
/// For the simulator and tests. Throws std::runtime_error only if OpenSSL itself fails (out of
/// memory), which is fatal.
[[nodiscard]] std::string compute_twilio_signature(std::string_view auth_token,
                                                   std::string_view url,
                                                   const form_params& params);

/// Lower-case hex SHA-256 of a raw request body: the `bodySHA256` query value Twilio adds to
/// the URL when it posts a JSON body. Throws std::runtime_error only if OpenSSL fails.
[[nodiscard]] std::string twilio_body_sha256(std::string_view raw_body);

/// Checks a request's X-Twilio-Signature against every non-empty token in `auth_tokens` (the
/// current one and, while rotating, the previous one; empty entries are ignored, since an empty
/// key would be known to anyone). `url` is the public URL Twilio requested (behind TLS
/// termination: the configured public URL, not the internal one). Accepted are signatures over
/// the URL as given, with the default port removed, and with the default port added (:443 for
/// https, :80 for http). When the URL's query carries `bodySHA256`, the params are ignored for
/// signing and `raw_body`'s SHA-256 must equal that value. All comparisons are constant time,
/// and every URL variant is tried with every token, so the timing does not show which one
/// matched. An empty header is rejected. Returns false on any failure; never throws (running
/// out of memory terminates, as anywhere under noexcept).
[[nodiscard]] bool validate_twilio_signature(std::string_view signature_header,
                                             std::string_view url, const form_params& params,
                                             std::string_view raw_body,
                                             std::span<const std::string> auth_tokens) noexcept;

/// A public base URL (VERITY_PUBLIC_URL: no query, no trailing '/') with the URLs Twilio may
/// have signed for a request to it worked out once, so that checking a callback's signature
/// does not parse the URL again: `variants(target)` equals what `validate_twilio_signature`
/// above tries for `base + target` (the given URL, and the one with the default port toggled).
class twilio_public_url {
public:
  /// Parses `base` once (with curl, as the URL overload does for each request).
  explicit twilio_public_url(std::string base);

  /// The base URL as given.
  [[nodiscard]] const std::string& base() const noexcept { return base_; }

  /// The URLs a signature of a request to `target` (its path and query) may cover.
  [[nodiscard]] std::vector<std::string> variants(std::string_view target) const;

private:
  std::string base_;                  ///< As given.
  std::optional<std::string> toggled_; ///< With the default port removed or added, if any.
};

/// `validate_twilio_signature` for a request to `target` under `public_url`, without parsing
/// the URL again. Same rules, same result as the overload above given `base + target`.
[[nodiscard]] bool validate_twilio_signature(std::string_view signature_header,
                                             const twilio_public_url& public_url,
                                             std::string_view target, const form_params& params,
                                             std::string_view raw_body,
                                             std::span<const std::string> auth_tokens) noexcept;

} // namespace verity
