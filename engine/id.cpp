#include "engine/id.hpp"

#include <optional>

#include "engine/code.hpp"

namespace verity {

namespace {

constexpr std::string_view hex_digits = "0123456789abcdef";

/// The value of a lower-case hex digit, or nothing for any other character.
std::optional<std::uint8_t> lower_hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return static_cast<std::uint8_t>(c - '0');
  }
  if (c >= 'a' && c <= 'f') {
    return static_cast<std::uint8_t>(c - 'a' + 10);
  }
  return std::nullopt;
}

} // namespace

template <id_kind Kind>
basic_id<Kind> basic_id<Kind>::generate() {
  bytes_type bytes{};
  fill_random(bytes);
  return basic_id(bytes);
}

template <id_kind Kind>
basic_id<Kind> basic_id<Kind>::generate(std::uint32_t routing_key) {
  auto id = generate();
  for (int i = 0; i < 4; ++i)
    id.bytes_[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(routing_key >> (24 - 8 * i));
  return id;
}

template <id_kind Kind>
tl::expected<basic_id<Kind>, std::string> basic_id<Kind>::parse(std::string_view text) {
  if (!text.starts_with(prefix)) {
    return tl::make_unexpected("id must start with \"" + std::string(prefix) + "\"");
  }
  if (text.size() != text_size) {
    return tl::make_unexpected("id must be \"" + std::string(prefix)
                               + "\" followed by 32 lower-case hex digits");
  }
  const auto hex = text.substr(prefix.size());
  bytes_type bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto high = lower_hex_value(hex[2 * i]);
    const auto low = lower_hex_value(hex[2 * i + 1]);
    if (!high || !low) {
      return tl::make_unexpected("id must contain only lower-case hex digits after \""
                                 + std::string(prefix) + "\"");
    }
    bytes[i] = static_cast<std::uint8_t>(*high << 4 | *low);
  }
  return basic_id(bytes);
}

template <id_kind Kind>
std::string basic_id<Kind>::to_string() const {
  std::string text(prefix);
  text.reserve(text_size);
  for (const auto byte : bytes_) {
    text.push_back(hex_digits[byte >> 4]);
    text.push_back(hex_digits[byte & 0x0f]);
  }
  return text;
}

template class basic_id<id_kind::verification>;
template class basic_id<id_kind::message>;

} // namespace verity
