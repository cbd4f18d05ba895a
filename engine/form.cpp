#include "engine/form.hpp"

#include <algorithm>

namespace verity {

namespace {

/// The value of a hex digit of either case, or -1 for any other character.
int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

/// True for the RFC 3986 unreserved characters, which encode as themselves.
bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
         || c == '.' || c == '_' || c == '~';
}

/// Decodes one key or value that starts at byte `offset` of the body (for error messages).
tl::expected<std::string, std::string> decode_component(std::string_view text,
                                                        std::size_t offset) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c != '%') {
      out.push_back(c);
    } else {
      const int high = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (high < 0 || low < 0) {
        return tl::make_unexpected("bad percent escape at byte " + std::to_string(offset + i)
                                   + ": '%' must be followed by two hex digits");
      }
      out.push_back(static_cast<char>(high << 4 | low));
      i += 2;
    }
  }
  return out;
}

/// Decodes one "key=value" (or bare "key") pair found at byte `offset` of the body.
tl::expected<std::pair<std::string, std::string>, std::string> decode_pair(std::string_view pair,
                                                                           std::size_t offset) {
  const auto equals = pair.find('=');
  const auto raw_key = pair.substr(0, equals);
  const auto raw_value = equals == std::string_view::npos ? std::string_view{}
                                                          : pair.substr(equals + 1);
  auto key = decode_component(raw_key, offset);
  if (!key) {
    return tl::make_unexpected(std::move(key.error()));
  }
  auto value = decode_component(raw_value, offset + equals + 1);
  if (!value) {
    return tl::make_unexpected(std::move(value.error()));
  }
  return std::pair{std::move(*key), std::move(*value)};
}

/// Appends the form encoding of `text` to `out`.
void encode_component(std::string_view text, std::string& out) {
  constexpr std::string_view hex_digits = "0123456789ABCDEF";
  for (const char c : text) {
    if (is_unreserved(c)) {
      out.push_back(c);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(hex_digits[byte >> 4]);
      out.push_back(hex_digits[byte & 0x0f]);
    }
  }
}

} // namespace

tl::expected<form_params, std::string> parse_form(std::string_view body) {
  form_params params;
  std::size_t start = 0;
  while (start <= body.size()) {
    const auto end = std::min(body.find('&', start), body.size());
    const auto pair = body.substr(start, end - start);
    if (!pair.empty()) {
      auto decoded = decode_pair(pair, start);
      if (!decoded) {
        return tl::make_unexpected(std::move(decoded.error()));
      }
      params.push_back(std::move(*decoded));
    }
    start = end + 1;
  }
  return params;
}

std::string encode_form(const form_params& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) {
      out.push_back('&');
    }
    encode_component(key, out);
    out.push_back('=');
    encode_component(value, out);
  }
  return out;
}

std::optional<std::string_view> find_param(const form_params& params, std::string_view key) {
  const auto it = std::find_if(params.begin(), params.end(),
                               [key](const auto& param) { return param.first == key; });
  if (it == params.end()) {
    return std::nullopt;
  }
  return it->second;
}

} // namespace verity
