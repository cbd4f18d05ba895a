#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace boost::asio::ip {
class address;
} // namespace boost::asio::ip

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

/// How log lines are written: plain text, or one JSON object per line.
enum class log_format { text, json };

/// The configuration text of a log format: "text" or "json".
std::string_view to_string(log_format format);

/// Parses "text" or "json" (any case).
tl::expected<log_format, std::string> parse_log_format(std::string_view text);

/// Parses the service name code messages carry (VERITY_BRAND): 1 to 30 characters of UTF-8
/// text, none of them a control character (it is sent inside SMS text), not starting or ending
/// with a space.
tl::expected<std::string, std::string> parse_brand(std::string_view text);

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

/// Values joined by commas ("a,b"), as a comma-separated key shows them.
std::string join_list(const std::vector<std::string>& values);

/// Parses comma-separated browser origins, each exactly scheme://host[:port] with an http or
/// https scheme and nothing after the port, into the form browsers send in `Origin`: scheme and
/// host in lower case, a default port (80, 443) left out. "" means none.
tl::expected<std::vector<std::string>, std::string> parse_origins(std::string_view text);

/// An IP network (IPv4 or IPv6) in CIDR notation: an entry of VERITY_TRUSTED_PROXIES.
class ip_network {
public:
  /// Parses "10.0.0.0/8", "2001:db8::/32", or a bare address ("192.0.2.7" = /32, "::1" =
  /// /128) with Asio's parsers; host bits are cleared ("10.1.2.3/8" -> "10.0.0.0/8").
  static tl::expected<ip_network, std::string> parse(std::string_view text);

  /// True when `address` lies in the network; an IPv4-mapped IPv6 address (::ffff:a.b.c.d)
  /// counts as its IPv4 address.
  bool contains(const boost::asio::ip::address& address) const;

  /// The canonical CIDR text: "10.0.0.0/8", "2001:db8::/32".
  std::string to_string() const;

  /// Networks are equal when their canonical texts are.
  bool operator==(const ip_network&) const = default;

private:
  std::array<unsigned char, 16> bytes_{}; ///< The network address (the first 4 for IPv4).
  unsigned prefix_length_ = 0;
  bool v6_ = false;
};

/// Parses comma-separated networks (see ip_network::parse). "" means none.
tl::expected<std::vector<ip_network>, std::string> parse_networks(std::string_view text);

/// The networks' canonical texts joined by commas, the inverse of parse_networks.
std::string join_networks(const std::vector<ip_network>& networks);

/// Parses a directory path; it must not be empty (it need not exist yet).
tl::expected<std::filesystem::path, std::string> parse_directory(std::string_view text);

/// Parses the code HMAC secret: "" (generate one) or at least 16 characters.
tl::expected<std::string, std::string> parse_code_secret(std::string_view text);

} // namespace verity
