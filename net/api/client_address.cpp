#include "net/api/client_address.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

namespace verity::net {

namespace {

namespace ip = boost::asio::ip;

/// `text` without surrounding spaces and tabs.
std::string_view trim(std::string_view text) {
  auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos)
    return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

/// True when `text` is a port after its colon: ":" and 1 to 5 digits.
bool is_port_suffix(std::string_view text) {
  return text.size() >= 2 && text.size() <= 6 && text.front() == ':'
         && std::all_of(text.begin() + 1, text.end(),
                        [](char c) { return c >= '0' && c <= '9'; });
}

/// The IP address written as `text` (Asio's parser), an IPv4-mapped one as IPv4.
std::optional<ip::address> parse_address(std::string_view text) {
  boost::system::error_code error;
  auto address = ip::make_address(std::string{text}, error);
  if (error)
    return std::nullopt;
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  return address;
}

/// The address of a node as proxies write it: "192.0.2.1", "192.0.2.1:4711", "2001:db8::1",
/// "[2001:db8::1]" or "[2001:db8::1]:4711"; nothing for anything else.
std::optional<ip::address> parse_node(std::string_view node) {
  if (node.starts_with('[')) {
    auto close = node.find(']');
    if (close == std::string_view::npos)
      return std::nullopt;
    auto port = node.substr(close + 1);
    if (!port.empty() && !is_port_suffix(port))
      return std::nullopt;
    return parse_address(node.substr(1, close - 1));
  }
  auto colon = node.find(':');
  if (colon != std::string_view::npos && node.find(':', colon + 1) == std::string_view::npos) {
    if (!is_port_suffix(node.substr(colon)))
      return std::nullopt;
    node = node.substr(0, colon);
  }
  return parse_address(node);
}

/// The parts of `text` between `separator`s outside quoted strings, trimmed.
std::vector<std::string_view> split_unquoted(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (quoted && text[i] == '\\')
      ++i;
    else if (text[i] == '"')
      quoted = !quoted;
    else if (!quoted && text[i] == separator) {
      parts.push_back(trim(text.substr(start, i - start)));
      start = i + 1;
    }
  }
  parts.push_back(trim(text.substr(std::min(start, text.size()))));
  return parts;
}

/// The comma-separated elements of every line of header `name`, in order; an empty one is kept
/// (it names no address).
std::vector<std::string_view> header_elements(const http_request& request, std::string_view name) {
  std::vector<std::string_view> elements;
  for (auto line : request.header_lines(name))
    for (auto element : split_unquoted(line, ','))
      elements.push_back(element);
  return elements;
}

/// The value of a quoted string (RFC 9110 5.6.4) or of a token.
std::string unquote(std::string_view value) {
  if (value.size() < 2 || value.front() != '"' || value.back() != '"')
    return std::string{value};
  std::string text;
  for (std::size_t i = 1; i + 1 < value.size(); ++i) {
    if (value[i] == '\\' && i + 2 < value.size())
      ++i;
    text += value[i];
  }
  return text;
}

/// The node of a `Forwarded` element's `for` parameter ("for=192.0.2.1;proto=https"), or ""
/// when it has none.
std::string forwarded_for(std::string_view element) {
  for (auto pair : split_unquoted(element, ';')) {
    auto equals = pair.find('=');
    if (equals == std::string_view::npos)
      continue;
    std::string name{trim(pair.substr(0, equals))};
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (name == "for")
      return unquote(trim(pair.substr(equals + 1)));
  }
  return {};
}

/// The hops the forwarding headers name, client first; nothing for a hop that is no address.
/// X-Forwarded-For when present, else Forwarded.
std::vector<std::optional<ip::address>> forwarded_hops(const http_request& request) {
  std::vector<std::optional<ip::address>> hops;
  auto x_forwarded_for = header_elements(request, "X-Forwarded-For");
  if (!x_forwarded_for.empty()) {
    for (auto element : x_forwarded_for)
      hops.push_back(parse_node(element));
    return hops;
  }
  for (auto element : header_elements(request, "Forwarded"))
    hops.push_back(parse_node(forwarded_for(element)));
  return hops;
}

} // namespace

std::string client_address(const http_request& request,
                           std::span<const ip_network> trusted_proxies) {
  auto peer = parse_address(request.remote_address);
  if (!peer)
    return request.remote_address;
  auto trusted = [&](const ip::address& address) {
    return std::any_of(trusted_proxies.begin(), trusted_proxies.end(),
                       [&](const ip_network& network) { return network.contains(address); });
  };
  if (!trusted(*peer))
    return peer->to_string();
  auto hops = forwarded_hops(request);
  for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
    if (!*hop)
      break;
    if (!trusted(**hop))
      return (*hop)->to_string();
    if (std::next(hop) == hops.rend())
      return (*hop)->to_string();
  }
  return peer->to_string();
}

} // namespace verity::net
