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

/// Appends `value` as `size` big-endian bytes.
void append_big_endian(std::string& out, std::uint64_t value, std::size_t size) {
  for (std::size_t i = size; i-- > 0;)
    out += static_cast<char>((value >> (8 * i)) & 0xff);
}

/// Reads `bytes` as a big-endian number.
std::uint64_t read_big_endian(std::string_view bytes) {
  std::uint64_t value = 0;
  for (char c : bytes)
    value = value << 8 | static_cast<std::uint8_t>(c);
  return value;
}

/// Flipping the sign bit maps int32 order onto uint32 order.
constexpr std::uint32_t day_sign_bit = std::uint32_t{1} << 31;

/// Reads an 8-byte time field written by encode_time.
timestamp decode_time(std::string_view bytes) {
  auto value = read_big_endian(bytes.substr(0, time_key_size));
  return timestamp{std::chrono::milliseconds{static_cast<std::int64_t>(value ^ sign_bit)}};
}

} // namespace

std::string encode_time(timestamp at) {
  std::string out;
  append_big_endian(out, static_cast<std::uint64_t>(at.time_since_epoch().count()) ^ sign_bit,
                    time_key_size);
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

std::string idempotency_key(std::string_view scoped_key) {
  return std::string{scoped_key};
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

std::string stats_day_key(std::int32_t day) {
  std::string out;
  append_big_endian(out, static_cast<std::uint32_t>(day) ^ day_sign_bit, 4);
  return out;
}

std::string stats_key(const stats_entry& entry) {
  auto out = stats_day_key(entry.day);
  out += static_cast<char>(entry.via);
  out += static_cast<char>(entry.metric);
  append_big_endian(out, entry.arg, 4);
  return out;
}

std::optional<stats_entry> parse_stats_key(std::string_view key) {
  if (key.size() != stats_key_size)
    return std::nullopt;
  auto via = static_cast<std::uint8_t>(key[4]);
  auto metric = static_cast<std::uint8_t>(key[5]);
  if (via > static_cast<std::uint8_t>(channel::sms)
      || metric > static_cast<std::uint8_t>(stat_metric::latency_bucket))
    return std::nullopt;
  auto day = static_cast<std::uint32_t>(read_big_endian(key.substr(0, 4))) ^ day_sign_bit;
  return stats_entry{static_cast<std::int32_t>(day), static_cast<channel>(via),
                     static_cast<stat_metric>(metric),
                     static_cast<std::uint32_t>(read_big_endian(key.substr(6, 4)))};
}

std::string phone_messages_prefix(std::string_view phone) {
  std::string out{phone};
  out += '\0';
  return out;
}

std::string phone_message_key(std::string_view phone, timestamp created_at,
                              const message_id& id) {
  auto out = phone_messages_prefix(phone);
  out += encode_time(created_at);
  append_id(out, id);
  return out;
}

std::optional<phone_message_entry> parse_phone_message_suffix(std::string_view suffix) {
  if (suffix.size() != time_key_size + 16)
    return std::nullopt;
  auto id = read_id<id_kind::message>(suffix.substr(time_key_size));
  if (!id)
    return std::nullopt;
  return phone_message_entry{decode_time(suffix), *id};
}

} // namespace verity::storage
