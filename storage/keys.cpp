#include "storage/keys.hpp"

#include <algorithm>

namespace verity::storage {

namespace {

/// Flipping the sign bit maps int64 order onto uint64 order.
constexpr std::uint64_t sign_bit = std::uint64_t{1} << 63;

/// Appends the raw bytes of an id.
template <id_kind Kind>
void append_id(std::string& out, const basic_id<Kind>& id) {
  const auto& bytes = id.bytes();
  out.append(bytes.begin(), bytes.end());
}

/// Reads an id from exactly 16 bytes.
template <id_kind Kind>
std::optional<basic_id<Kind>> read_id(std::string_view bytes) {
  typename basic_id<Kind>::bytes_type raw{};
  if (bytes.size() != raw.size())
    return std::nullopt;
  std::transform(bytes.begin(), bytes.end(), raw.begin(),
                 [](char c) { return static_cast<std::uint8_t>(c); });
  return basic_id<Kind>{raw};
}

/// Reads an 8-byte time field written by encode_time.
timestamp decode_time(std::string_view bytes) {
  std::uint64_t value = 0;
  for (char c : bytes.substr(0, time_key_size))
    value = value << 8 | static_cast<std::uint8_t>(c);
  return timestamp{std::chrono::milliseconds{static_cast<std::int64_t>(value ^ sign_bit)}};
}

} // namespace

std::string encode_time(timestamp at) {
  auto value = static_cast<std::uint64_t>(at.time_since_epoch().count()) ^ sign_bit;
  std::string out(time_key_size, '\0');
  for (std::size_t i = time_key_size; i-- > 0; value >>= 8)
    out[i] = static_cast<char>(value & 0xff);
  return out;
}

std::string verification_key(const verification_id& id) {
  std::string out;
  append_id(out, id);
  return out;
}

std::string message_key(const message_id& id) {
  std::string out;
  append_id(out, id);
  return out;
}

std::string history_key(const message_id& id, timestamp at, delivery_status status) {
  auto out = message_key(id);
  out += encode_time(at);
  out += static_cast<char>(status);
  return out;
}

std::string created_key(timestamp created_at, const verification_id& id) {
  auto out = encode_time(created_at);
  append_id(out, id);
  return out;
}

std::string twilio_sid_key(std::string_view sid) {
  return std::string{sid};
}

std::string phone_key(std::string_view phone) {
  return std::string{phone};
}

std::optional<verification_id> parse_verification_key(std::string_view key) {
  return read_id<id_kind::verification>(key);
}

std::optional<message_id> parse_message_key(std::string_view key) {
  return read_id<id_kind::message>(key);
}

std::optional<created_entry> parse_created_key(std::string_view key) {
  if (key.size() != created_key_size)
    return std::nullopt;
  auto id = read_id<id_kind::verification>(key.substr(time_key_size));
  if (!id)
    return std::nullopt;
  return created_entry{decode_time(key), *id};
}

} // namespace verity::storage
