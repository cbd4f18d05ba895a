#include "storage/binary.hpp"

#include <algorithm>
#include <limits>

namespace verity::storage {

namespace {

/// Longest LEB128 encoding of a 64-bit value.
constexpr std::size_t max_varint_size = 10;

std::uint64_t zigzag(std::int64_t value) {
  auto bits = static_cast<std::uint64_t>(value);
  return (bits << 1) ^ (value < 0 ? ~std::uint64_t{0} : 0);
}

std::int64_t unzigzag(std::uint64_t value) {
  auto magnitude = value >> 1;
  return static_cast<std::int64_t>((value & 1) != 0 ? ~magnitude : magnitude);
}

} // namespace

void byte_writer::u8(std::uint8_t value) {
  out_ += static_cast<char>(value);
}

void byte_writer::flag(bool value) {
  u8(value ? 1 : 0);
}

void byte_writer::varint(std::uint64_t value) {
  while (value >= 0x80) {
    u8(static_cast<std::uint8_t>(value | 0x80));
    value >>= 7;
  }
  u8(static_cast<std::uint8_t>(value));
}

void byte_writer::time(timestamp at) {
  varint(zigzag(at.time_since_epoch().count()));
}

void byte_writer::fixed(std::span<const std::uint8_t> bytes) {
  for (auto byte : bytes)
    u8(byte);
}

void byte_writer::text(std::string_view value) {
  varint(value.size());
  out_ += value;
}

std::uint8_t byte_reader::u8() {
  std::array<std::uint8_t, 1> byte{};
  read_into(byte);
  return byte[0];
}

bool byte_reader::flag() {
  auto value = u8();
  if (value > 1)
    fail("flag is neither 0 nor 1");
  return value == 1;
}

std::uint64_t byte_reader::varint(std::uint64_t max) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < max_varint_size && !failed(); ++i) {
    auto byte = u8();
    auto bits = std::uint64_t{byte & 0x7fu};
    if (i == max_varint_size - 1 && byte > 1)
      fail("varint overflows 64 bits");
    else if (i > 0 && byte == 0)
      fail("varint is not minimal");
    value |= bits << (7 * i);
    if ((byte & 0x80) == 0)
      break;
  }
  if (value > max)
    fail("number out of range");
  return failed() ? 0 : value;
}

timestamp byte_reader::time() {
  auto value = unzigzag(varint(std::numeric_limits<std::uint64_t>::max()));
  return timestamp{std::chrono::milliseconds{value}};
}

std::string byte_reader::text() {
  auto size = count(1, std::numeric_limits<std::size_t>::max());
  if (failed())
    return {};
  std::string out{in_.substr(position_, size)};
  position_ += size;
  return out;
}

std::size_t byte_reader::count(std::size_t min_size, std::size_t max) {
  auto value = varint(max);
  if (value > (in_.size() - position_) / min_size)
    fail("count exceeds the remaining bytes");
  return failed() ? 0 : static_cast<std::size_t>(value);
}

void byte_reader::fail(std::string_view why) {
  if (!failed())
    error_ = std::string{why} + " at byte " + std::to_string(position_);
}

void byte_reader::read_into(std::span<std::uint8_t> out) {
  if (failed())
    return;
  if (out.size() > in_.size() - position_) {
    fail("truncated");
    return;
  }
  std::transform(in_.begin() + static_cast<std::ptrdiff_t>(position_),
                 in_.begin() + static_cast<std::ptrdiff_t>(position_ + out.size()), out.begin(),
                 [](char c) { return static_cast<std::uint8_t>(c); });
  position_ += out.size();
}

} // namespace verity::storage
