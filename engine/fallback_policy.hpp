#pragma once

// The fallback policy a verification follows when its WhatsApp attempt fails, and its names.

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace verity {

/// What happens when a WhatsApp attempt fails (text "manual", "auto", "none"). Never reorder:
/// the values are stored.
enum class fallback_policy {
  manual,    ///< The user chooses to resend by SMS.
  automatic, ///< Verity resends by SMS by itself.
  none,      ///< No other channel is tried.
};

/// The configuration and API text of a fallback policy: "manual", "auto" or "none".
std::string_view to_string(fallback_policy policy);

/// Parses "manual", "auto" or "none" (any case); the error is "expected manual, auto or none".
tl::expected<fallback_policy, std::string> parse_fallback(std::string_view text);

} // namespace verity
