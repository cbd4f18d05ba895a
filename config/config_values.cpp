#include "config/config_values.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <memory>
#include <optional>
#include <utility>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <curl/curl.h>

#include "engine/phone.hpp"

namespace verity {
namespace {

constexpr std::string_view endpoint_expected =
  "expected host:port, e.g. 127.0.0.1:8080 or [::1]:8080 (port 0 to 65535)";
constexpr std::string_view url_expected =
  "expected an http or https URL without query or fragment, e.g. https://verity.example.com";
constexpr std::string_view origins_expected =
  "expected comma-separated origins scheme://host[:port] with no path, e.g. "
  "https://app.example.com,http://127.0.0.1:5173";
constexpr std::string_view networks_expected =
  "expected comma-separated IP networks (CIDR) or addresses, e.g. 10.0.0.0/8,2001:db8::/32,"
  "192.0.2.7";

namespace ip = boost::asio::ip;

/// Names of the values of an enumeration.
template <class E, std::size_t N>
using name_table = std::array<std::pair<std::string_view, E>, N>;

constexpr name_table<severity, 6> severity_names{{
  {"trace", severity::trace},
  {"debug", severity::debug},
  {"info", severity::info},
  {"warn", severity::warn},
  {"error", severity::error},
  {"off", severity::off},
}};

constexpr name_table<log_format, 2> log_format_names{{
  {"text", log_format::text},
  {"json", log_format::json},
}};

constexpr name_table<twilio_mode, 2> twilio_mode_names{{
  {"live", twilio_mode::live},
  {"simulator", twilio_mode::simulator},
}};

/// `text` in lower case (ASCII).
std::string lower(std::string_view text) {
  std::string result{text};
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

/// `text` without surrounding whitespace.
std::string_view trim(std::string_view text) {
  auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!text.empty() && space(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && space(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

/// The comma-separated entries of `text`, each trimmed; nothing when one is empty. "" has none.
std::optional<std::vector<std::string_view>> split_list(std::string_view text) {
  std::vector<std::string_view> entries;
  if (text.empty())
    return entries;
  for (std::size_t start = 0; start <= text.size();) {
    auto comma = std::min(text.find(',', start), text.size());
    auto entry = trim(text.substr(start, comma - start));
    if (entry.empty())
      return std::nullopt;
    entries.push_back(entry);
    start = comma + 1;
  }
  return entries;
}

/// Parses every entry of the comma-separated `text` with `parse_one`; `expectation` when an
/// entry is empty or does not parse.
template <class T, class Parse>
tl::expected<std::vector<T>, std::string> parse_list(std::string_view text, Parse parse_one,
                                                     std::string_view expectation) {
  auto entries = split_list(text);
  if (!entries)
    return tl::unexpected(std::string{expectation});
  std::vector<T> parsed;
  for (auto entry : *entries) {
    auto value = parse_one(entry);
    if (!value)
      return tl::unexpected(std::string{expectation});
    parsed.push_back(std::move(*value));
  }
  return parsed;
}

/// The value named `text` (any case) in `names`, or `expectation` as the error.
template <class E, std::size_t N>
tl::expected<E, std::string> parse_choice(std::string_view text, const name_table<E, N>& names,
                                          std::string_view expectation) {
  auto wanted = lower(text);
  for (const auto& [name, value] : names)
    if (name == wanted)
      return value;
  return tl::unexpected(std::string{expectation});
}

/// The name of `value` in `names`.
template <class E, std::size_t N>
std::string_view name_of(E value, const name_table<E, N>& names) {
  auto found = std::find_if(names.begin(), names.end(),
                            [&](const auto& entry) { return entry.second == value; });
  return found == names.end() ? std::string_view{} : found->first;
}

/// Parses a port: digits only, 0 to 65535.
std::optional<std::uint16_t> parse_port(std::string_view text) {
  std::uint16_t port = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return port;
}

/// True when `host` is a plausible name or IPv4 address: no spaces, colons, brackets or slashes.
bool plain_host(std::string_view host) {
  return !host.empty() && std::none_of(host.begin(), host.end(), [](unsigned char c) {
    return std::isspace(c) != 0 || c == ':' || c == '[' || c == ']' || c == '/';
  });
}

/// Owns a CURLU handle.
struct url_deleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

/// Part `part` of `url`, or "" when it has none.
std::string url_part(CURLU* url, CURLUPart part) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, 0) != CURLUE_OK)
    return {};
  std::unique_ptr<char, decltype(&curl_free)> owned{value, &curl_free};
  return owned ? std::string{owned.get()} : std::string{};
}

/// True when `host` looks like an IPv6 address (with an optional "%zone").
bool ipv6_literal(std::string_view host) {
  return host.find(':') != std::string_view::npos
         && std::all_of(host.begin(), host.end(), [](unsigned char c) {
              return std::isalnum(c) != 0 || c == ':' || c == '.' || c == '%';
            });
}

/// True when every character of `text` is a hex digit.
bool is_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isxdigit(c) != 0; });
}

/// One origin of VERITY_CORS_ORIGINS in the form browsers send, or nothing (see parse_origins).
std::optional<std::string> parse_origin(std::string_view text) {
  auto separator = text.find("://");
  if (separator == std::string_view::npos
      || text.find_first_of("/?#@\\", separator + 3) != std::string_view::npos)
    return std::nullopt;
  std::unique_ptr<CURLU, url_deleter> url{curl_url()};
  std::string copy{text};
  if (!url || curl_url_set(url.get(), CURLUPART_URL, copy.c_str(), 0) != CURLUE_OK)
    return std::nullopt;
  auto scheme = lower(url_part(url.get(), CURLUPART_SCHEME));
  auto host = lower(url_part(url.get(), CURLUPART_HOST));
  auto port = url_part(url.get(), CURLUPART_PORT);
  if ((scheme != "http" && scheme != "https") || host.empty())
    return std::nullopt;
  bool default_port = (scheme == "http" && port == "80") || (scheme == "https" && port == "443");
  return scheme + "://" + host + (port.empty() || default_port ? "" : ":" + port);
}

} // namespace

std::string endpoint::to_string() const {
  auto shown = host.find(':') == std::string::npos ? host : "[" + host + "]";
  return shown + ":" + std::to_string(port);
}

tl::expected<endpoint, std::string> parse_endpoint(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos)
    return tl::unexpected(std::string{endpoint_expected});
  auto host = text.substr(0, colon);
  auto port = parse_port(text.substr(colon + 1));
  bool bracketed = host.size() > 2 && host.front() == '[' && host.back() == ']';
  if (bracketed)
    host = host.substr(1, host.size() - 2);
  bool host_ok = bracketed ? ipv6_literal(host) : plain_host(host);
  if (!port || !host_ok)
    return tl::unexpected(std::string{endpoint_expected});
  return endpoint{std::string{host}, *port};
}

std::string_view to_string(severity level) {
  return name_of(level, severity_names);
}

tl::expected<severity, std::string> parse_severity(std::string_view text) {
  return parse_choice(text, severity_names, "expected trace, debug, info, warn, error or off");
}

std::string_view to_string(log_format format) {
  return name_of(format, log_format_names);
}

tl::expected<log_format, std::string> parse_log_format(std::string_view text) {
  return parse_choice(text, log_format_names, "expected text or json");
}

namespace {

/// The code points of `text`, or nothing if it is not valid UTF-8 (overlong forms, surrogates
/// and values over U+10FFFF included).
std::optional<std::vector<char32_t>> decode_utf8(std::string_view text) {
  std::vector<char32_t> points;
  for (std::size_t at = 0; at < text.size();) {
    auto lead = static_cast<unsigned char>(text[at]);
    std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3
                                           : (lead >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || at + length > text.size())
      return std::nullopt;
    char32_t point = length == 1 ? lead : lead & (0x7F >> length);
    for (std::size_t i = 1; i < length; ++i) {
      auto next = static_cast<unsigned char>(text[at + i]);
      if ((next & 0xC0) != 0x80)
        return std::nullopt;
      point = (point << 6) | (next & 0x3F);
    }
    constexpr std::array<char32_t, 5> smallest{0, 0, 0x80, 0x800, 0x10000};
    if (point < smallest[length] || point > 0x10FFFF || (point >= 0xD800 && point <= 0xDFFF))
      return std::nullopt;
    points.push_back(point);
    at += length;
  }
  return points;
}

/// True for C0 and C1 control characters and DEL.
bool is_control(char32_t point) {
  return point < 0x20 || (point >= 0x7F && point <= 0x9F);
}

} // namespace

tl::expected<std::string, std::string> parse_brand(std::string_view text) {
  constexpr std::size_t max_brand = 30;
  auto points = decode_utf8(text);
  if (!points || points->empty() || points->size() > max_brand
      || std::any_of(points->begin(), points->end(), is_control) || points->front() == U' '
      || points->back() == U' ')
    return tl::unexpected(std::string{"expected 1 to 30 printable characters (UTF-8, no control "
                                      "characters, no leading or trailing space)"});
  return std::string{text};
}

std::string_view to_string(twilio_mode mode) {
  return name_of(mode, twilio_mode_names);
}

tl::expected<twilio_mode, std::string> parse_twilio_mode(std::string_view text) {
  return parse_choice(text, twilio_mode_names, "expected live or simulator");
}

tl::expected<std::uint32_t, std::string> parse_whole_number(std::string_view text,
                                                            std::uint32_t min, std::uint32_t max) {
  std::uint64_t number = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() || number < min
      || number > max)
    return tl::unexpected("expected a whole number from " + std::to_string(min) + " to "
                          + std::to_string(max));
  return static_cast<std::uint32_t>(number);
}

tl::expected<std::string, std::string> parse_http_url(std::string_view text) {
  std::unique_ptr<CURLU, url_deleter> url{curl_url()};
  std::string copy{text};
  if (!url || curl_url_set(url.get(), CURLUPART_URL, copy.c_str(), 0) != CURLUE_OK)
    return tl::unexpected(std::string{url_expected});
  auto scheme = lower(url_part(url.get(), CURLUPART_SCHEME));
  if ((scheme != "http" && scheme != "https") || url_part(url.get(), CURLUPART_HOST).empty()
      || copy.find_first_of("?#") != std::string::npos)
    return tl::unexpected(std::string{url_expected});
  while (copy.ends_with('/'))
    copy.pop_back();
  return copy;
}

bool is_plain_http(std::string_view url) {
  return lower(url.substr(0, 7)) == "http://";
}

tl::expected<std::string, std::string> parse_sid(std::string_view text, std::string_view prefix) {
  auto rest = text.substr(std::min(prefix.size(), text.size()));
  if (text.empty() || (text.starts_with(prefix) && rest.size() == 32 && is_hex(rest)))
    return std::string{text};
  return tl::unexpected("expected " + std::string{prefix} + " followed by 32 hex digits");
}

tl::expected<std::string, std::string> parse_sender(std::string_view text) {
  if (text.empty())
    return std::string{};
  constexpr std::string_view expectation = "expected a valid number in E.164 form, e.g. "
                                           "+14155552671";
  auto number = strip_whatsapp_prefix(text);
  if (!number.starts_with('+'))
    return tl::unexpected(std::string{expectation});
  auto parsed = parse_phone(number);
  if (!parsed)
    return tl::unexpected(std::string{expectation} + " (" + parsed.error() + ")");
  return parsed->e164;
}

tl::expected<std::vector<std::string>, std::string> parse_api_keys(std::string_view text) {
  return parse_list<std::string>(
    text, [](std::string_view key) { return std::optional<std::string>{key}; },
    "expected comma-separated API keys, none of them empty");
}

std::string join_api_keys(const std::vector<std::string>& keys) {
  return join_list(keys);
}

std::string join_list(const std::vector<std::string>& values) {
  std::string text;
  for (const auto& value : values)
    text += (text.empty() ? "" : ",") + value;
  return text;
}

tl::expected<std::vector<std::string>, std::string> parse_origins(std::string_view text) {
  return parse_list<std::string>(text, parse_origin, origins_expected);
}

tl::expected<ip_network, std::string> ip_network::parse(std::string_view text) {
  std::string written{text};
  if (written.find('/') == std::string::npos)
    written += written.find(':') == std::string::npos ? "/32" : "/128";
  boost::system::error_code error;
  ip_network parsed;
  if (written.find(':') == std::string::npos) {
    auto network = ip::make_network_v4(written, error).canonical();
    auto bytes = network.address().to_bytes();
    std::copy(bytes.begin(), bytes.end(), parsed.bytes_.begin());
    parsed.prefix_length_ = network.prefix_length();
  } else {
    auto network = ip::make_network_v6(written, error).canonical();
    parsed.bytes_ = network.address().to_bytes();
    parsed.prefix_length_ = network.prefix_length();
    parsed.v6_ = true;
  }
  if (error)
    return tl::unexpected(std::string{networks_expected});
  return parsed;
}

bool ip_network::contains(const ip::address& address) const {
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return contains(ip::make_address_v4(ip::v4_mapped, address.to_v6()));
  if (address.is_v6() != v6_)
    return false;
  if (v6_)
    return ip::network_v6(address.to_v6(), prefix_length_).canonical().address().to_bytes()
           == bytes_;
  auto network = ip::network_v4(address.to_v4(), prefix_length_).canonical();
  auto bytes = network.address().to_bytes();
  return std::equal(bytes.begin(), bytes.end(), bytes_.begin());
}

std::string ip_network::to_string() const {
  if (v6_)
    return ip::network_v6(ip::address_v6(bytes_), prefix_length_).to_string();
  return ip::network_v4(ip::address_v4({bytes_[0], bytes_[1], bytes_[2], bytes_[3]}),
                        prefix_length_)
    .to_string();
}

tl::expected<std::vector<ip_network>, std::string> parse_networks(std::string_view text) {
  return parse_list<ip_network>(text, ip_network::parse, networks_expected);
}

std::string join_networks(const std::vector<ip_network>& networks) {
  std::vector<std::string> texts;
  for (const auto& network : networks)
    texts.push_back(network.to_string());
  return join_list(texts);
}

tl::expected<std::filesystem::path, std::string> parse_directory(std::string_view text) {
  if (text.empty())
    return tl::unexpected(std::string{"expected a directory path"});
  return std::filesystem::path{text};
}

tl::expected<std::string, std::string> parse_code_secret(std::string_view text) {
  if (!text.empty() && text.size() < 16)
    return tl::unexpected(std::string{"expected at least 16 characters, or no value to have "
                                      "one generated in the data directory"});
  return std::string{text};
}

} // namespace verity
