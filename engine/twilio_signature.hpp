#pragma once

#include <span>
#include <string>
#include <string_view>

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

} // namespace verity
