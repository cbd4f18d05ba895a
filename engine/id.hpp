#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace verity {

/// What an id names; decides its two-letter prefix.
enum class id_kind : std::uint8_t {
  verification, ///< "VE...": one verification (a code sent to a phone, checked later).
  message,      ///< "MS...": one message Verity asked Twilio to deliver.
};

/// A random 128-bit identifier of one kind, written as its prefix followed by 32 lower-case hex
/// digits ("VE3f0c..."). Storage keys hold the 16 raw bytes; APIs and logs hold the text.
template <id_kind Kind>
class basic_id {
public:
  /// The 16 raw bytes of an id.
  using bytes_type = std::array<std::uint8_t, 16>;

  /// The two letters every id of this kind starts with.
  static constexpr std::string_view prefix = Kind == id_kind::verification ? "VE" : "MS";

  /// Length of the text form: the prefix plus two hex digits per byte.
  static constexpr std::size_t text_size = prefix.size() + 2 * bytes_type{}.size();

  /// The all-zero id: a placeholder for "no id yet" (e.g. in default-constructed messages).
  constexpr basic_id() = default;

  /// Rebuilds an id from its raw bytes, as read back from a storage key.
  constexpr explicit basic_id(const bytes_type& bytes) : bytes_(bytes) {}

  /// A fresh id from the CSPRNG. Throws std::runtime_error if the CSPRNG fails (see
  /// fill_random in engine/code.hpp).
  [[nodiscard]] static basic_id generate();

  /// A fresh id whose first four bytes are `routing_key` (big-endian) and whose other twelve
  /// come from the CSPRNG: whoever holds the id finds the phone's directory shard without a
  /// lookup (see engine/routing.hpp).
  [[nodiscard]] static basic_id generate(std::uint32_t routing_key);

  /// The routing key in the first four bytes.
  [[nodiscard]] constexpr std::uint32_t routing_key() const noexcept {
    return std::uint32_t{bytes_[0]} << 24 | std::uint32_t{bytes_[1]} << 16
           | std::uint32_t{bytes_[2]} << 8 | std::uint32_t{bytes_[3]};
  }

  /// Reads the canonical text form only: the prefix and exactly 32 lower-case hex digits.
  /// Upper-case hex is refused so that every id has one spelling: the text a client sends is
  /// byte-for-byte the text Verity issued, logs and caches never hold two spellings of one id.
  /// On failure returns a sentence saying why, never throws.
  [[nodiscard]] static tl::expected<basic_id, std::string> parse(std::string_view text);

  /// The canonical text form, e.g. "VE" followed by 32 lower-case hex digits.
  [[nodiscard]] std::string to_string() const;

  /// The 16 raw bytes, for storage keys.
  [[nodiscard]] constexpr const bytes_type& bytes() const noexcept { return bytes_; }

  /// Ids order and compare by their bytes.
  friend constexpr auto operator<=>(const basic_id&, const basic_id&) = default;

private:
  bytes_type bytes_{};
};

extern template class basic_id<id_kind::verification>;
extern template class basic_id<id_kind::message>;

/// Names a verification.
using verification_id = basic_id<id_kind::verification>;

/// Names a message sent (or to be sent) through Twilio.
using message_id = basic_id<id_kind::message>;

} // namespace verity

/// Hashes an id for unordered containers: its last eight bytes are uniformly random (the first
/// four may be a routing key shared by every id of one phone), so they are the hash.
template <verity::id_kind Kind>
struct std::hash<verity::basic_id<Kind>> {
  /// The last sizeof(std::size_t) bytes of the id.
  std::size_t operator()(const verity::basic_id<Kind>& id) const noexcept {
    std::size_t value = 0;
    std::memcpy(&value, id.bytes().data() + id.bytes().size() - sizeof value, sizeof value);
    return value;
  }
};
