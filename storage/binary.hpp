#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "engine/delivery_status.hpp"
#include "engine/id.hpp"

namespace verity::storage {

/// Builds the bytes of a stored record: single bytes, LEB128 varints, zigzag times,
/// fixed-size byte arrays and length-prefixed texts.
class byte_writer {
public:
  /// Appends one byte.
  void u8(std::uint8_t value);

  /// Appends a flag as one byte, 0 or 1.
  void flag(bool value);

  /// Appends an unsigned LEB128 varint (1 to 10 bytes, minimal).
  void varint(std::uint64_t value);

  /// Appends a time as the zigzag varint of its milliseconds.
  void time(timestamp at);

  /// Appends bytes as they are (their size is known to the reader).
  void fixed(std::span<const std::uint8_t> bytes);

  /// Appends the 16 bytes of an id.
  template <id_kind Kind>
  void id(const basic_id<Kind>& value) {
    fixed(value.bytes());
  }

  /// Appends a text as its varint length, then its bytes.
  void text(std::string_view value);

  /// The bytes written so far, moved out.
  [[nodiscard]] std::string take() && { return std::move(out_); }

private:
  std::string out_;
};

/// Reads the bytes of a stored record, which may be corrupt or hostile. Every read checks the
/// bounds; the first violation puts the reader into a failed state in which further reads
/// return zero values and read nothing, so a decoder reads all fields and asks `finish` at the
/// end whether they were valid.
class byte_reader {
public:
  /// Reads `bytes`, which must outlive the reader.
  explicit byte_reader(std::string_view bytes) noexcept : in_(bytes) {}

  /// Reads one byte.
  std::uint8_t u8();

  /// Reads a flag byte; anything but 0 or 1 is a failure.
  bool flag();

  /// Reads a minimal varint of at most `max`.
  std::uint64_t varint(std::uint64_t max);

  /// Reads an enumerator stored as one byte below `count`.
  template <class Enum>
  Enum enumerator(std::size_t count) {
    auto value = u8();
    if (value >= count)
      fail("enumerator out of range");
    return failed() ? Enum{} : static_cast<Enum>(value);
  }

  /// Reads a time written by byte_writer::time.
  timestamp time();

  /// Reads exactly N bytes.
  template <std::size_t N>
  std::array<std::uint8_t, N> fixed() {
    std::array<std::uint8_t, N> out{};
    read_into(out);
    return out;
  }

  /// Reads the 16 bytes of an id.
  template <id_kind Kind>
  basic_id<Kind> id() {
    return basic_id<Kind>{fixed<16>()};
  }

  /// Reads a length-prefixed text.
  std::string text();

  /// Reads an element count of at most `max` and checks that `count * min_size` bytes remain
  /// (`min_size` >= 1), so a corrupt count never makes a decoder allocate beyond the input.
  std::size_t count(std::size_t min_size, std::size_t max);

  /// Marks the input invalid with `why` (the first reason is kept).
  void fail(std::string_view why);

  /// True once any read failed.
  [[nodiscard]] bool failed() const noexcept { return !error_.empty(); }

  /// `value` if every read succeeded and the whole input was consumed; else the first reason,
  /// with the byte offset where it was found.
  template <class T>
  [[nodiscard]] tl::expected<T, std::string> finish(T value) {
    if (!failed() && position_ != in_.size())
      fail("trailing bytes");
    if (failed())
      return tl::unexpected(error_);
    return value;
  }

private:
  /// Copies `out.size()` bytes, or fails when fewer remain.
  void read_into(std::span<std::uint8_t> out);

  std::string_view in_;
  std::size_t position_ = 0;
  std::string error_;
};

} // namespace verity::storage
