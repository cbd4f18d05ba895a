#include "bench/bench_phones.hpp"

#include <array>

#include <fmt/format.h>

namespace verity::bench {

namespace {

/// Area codes in use across the US.
constexpr std::array<unsigned, 16> area_codes = {201, 202, 212, 213, 305, 312, 415, 503,
                                                 617, 702, 713, 718, 805, 917, 919, 954};

/// Central office codes 200..999 without the N11 service codes: 792 of them.
constexpr unsigned exchanges = 800 - 8;

/// The `n`th central office code (0-based), skipping 211, 311, ..., 911.
unsigned exchange(std::uint64_t n) {
  auto code = 200 + static_cast<unsigned>(n);
  for (unsigned service = 211; service <= 911 && service <= code; service += 100)
    ++code;
  return code;
}

/// The number with line `line` at position `rest` over exchanges and area codes.
std::string us_number(std::uint64_t rest, unsigned line) {
  auto office = exchange(rest % exchanges);
  auto area = area_codes[(rest / exchanges) % area_codes.size()];
  return fmt::format("+1{}{:03}{:04}", area, office, line);
}

} // namespace

std::string bench_phone(std::uint64_t index, phone_fate fate) {
  if (fate == phone_fate::never_delivered)
    return us_number(index, 1);
  constexpr unsigned lines = 10'000 - 11; // 0011..9999: the simulator's ordinary numbers
  return us_number(index / lines, 11 + static_cast<unsigned>(index % lines));
}

} // namespace verity::bench
