#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

/// The value types of configuration keys that are not plain quantities (see units.hpp), and
/// their parsers. Errors start with "expected ...", like those of units.hpp; parsers never throw.
namespace verity {

/// A host and port to listen on.
struct endpoint {
  std::string host;       ///< Name or address; an IPv6 address without brackets ("::1").
  std::uint16_t port = 0; ///< 0 asks the system for any free port.

  /// "host:port", with brackets around an IPv6 address: "[::1]:8080".
  std::string to_string() const;
};

/// Parses "host:port" or "[ipv6]:port" (port 0 to 65535).
tl::expected<endpoint, std::string> parse_endpoint(std::string_view text);

/// The least severe log level written; the texts are those spdlog accepts.
enum class severity { trace, debug, info, warn, error, off };

/// The configuration text of a severity, e.g. "warn".
std::string_view to_string(severity level);

/// Parses "trace", "debug", "info", "warn", "error" or "off" (any case).
tl::expected<severity, std::string> parse_severity(std::string_view text);

/// Where messages go (VERITY_TWILIO): Twilio itself, or the built-in Twilio simulator.
enum class twilio_mode { live, simulator };

/// The configuration text of a mode: "live" or "simulator".
std::string_view to_string(twilio_mode mode);

/// Parses "live" or "simulator" (any case).
tl::expected<twilio_mode, std::string> parse_twilio_mode(std::string_view text);

/// Parses a whole number from `min` to `max`.
tl::expected<std::uint32_t, std::string> parse_whole_number(std::string_view text,
                                                            std::uint32_t min, std::uint32_t max);

/// Parses an absolute http or https URL without query or fragment; trailing '/'s are removed
/// so paths can be appended ("https://x.example/" -> "https://x.example").
tl::expected<std::string, std::string> parse_http_url(std::string_view text);

/// True when `url` uses the plain http scheme (any case).
bool is_plain_http(std::string_view url);

/// Parses a Twilio SID: `prefix` followed by 32 hex digits. "" (unset) is accepted.
tl::expected<std::string, std::string> parse_sid(std::string_view text, std::string_view prefix);

/// Parses a sender number written in E.164 ("+14155552671", "whatsapp:" allowed) into its
/// canonical E.164 form. "" (unset) is accepted.
tl::expected<std::string, std::string> parse_sender(std::string_view text);

/// Splits comma-separated API keys, trimming each; an empty key is refused. "" means no keys.
tl::expected<std::vector<std::string>, std::string> parse_api_keys(std::string_view text);

/// The keys joined by commas, the inverse of parse_api_keys.
std::string join_api_keys(const std::vector<std::string>& keys);

/// Parses a directory path; it must not be empty (it need not exist yet).
tl::expected<std::filesystem::path, std::string> parse_directory(std::string_view text);

/// Parses the code HMAC secret: "" (generate one) or at least 16 characters.
tl::expected<std::string, std::string> parse_code_secret(std::string_view text);

} // namespace verity
