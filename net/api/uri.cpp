#include "net/api/uri.hpp"

namespace verity::net {

namespace {

/// The value of a hex digit (either case), or -1.
int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

} // namespace

std::optional<std::string> percent_decode(std::string_view segment) {
  std::string decoded;
  decoded.reserve(segment.size());
  for (std::size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] != '%') {
      decoded.push_back(segment[i]);
      continue;
    }
    if (segment.size() - i < 3)
      return std::nullopt;
    auto high = hex_value(segment[i + 1]);
    auto low = hex_value(segment[i + 2]);
    if (high < 0 || low < 0)
      return std::nullopt;
    decoded.push_back(static_cast<char>(high << 4 | low));
    i += 2;
  }
  return decoded;
}

std::optional<form_params> parse_query(std::string_view query) {
  auto params = parse_form(query);
  if (!params)
    return std::nullopt;
  return std::move(*params);
}

} // namespace verity::net
