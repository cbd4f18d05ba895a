#include "bench/bench_phones.hpp"

#include <array>

#include <fmt/format.h>

#include "net/sim/scenarios.hpp"

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

/// The first line (last four digits) after every line the simulator scripts a behaviour for
/// (net/sim/scenarios.hpp): delivered benchmark numbers use lines from there to 9999, so none
/// of them trips a scripted failure or a burst of 429s.
unsigned first_ordinary_line() {
  static const unsigned first = [] {
    unsigned last_scripted = 0;
    for (unsigned line = 1; line < 10'000; ++line)
      if (net::scenario_for_number(us_number(0, line)))
        last_scripted = line;
    return last_scripted + 1;
  }();
  return first;
}

} // namespace

std::string bench_phone(std::uint64_t index, phone_fate fate) {
  if (fate == phone_fate::never_delivered)
    return us_number(index, 1);
  const auto first = first_ordinary_line();
  const auto lines = 10'000 - first;
  return us_number(index / lines, first + static_cast<unsigned>(index % lines));
}

} // namespace verity::bench
