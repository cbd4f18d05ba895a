#include "engine/units.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <optional>

namespace verity {
namespace {

/// A unit suffix and how many base units (milliseconds or bytes) it stands for.
struct unit {
  std::string_view suffix;
  std::uint64_t factor;
};

/// Duration units, largest first (the order format_duration tries them in).
constexpr std::array<unit, 5> duration_units{{
  {"d", 86'400'000},
  {"h", 3'600'000},
  {"m", 60'000},
  {"s", 1'000},
  {"ms", 1},
}};

/// Size units, largest first; "" is bare bytes.
constexpr std::array<unit, 5> size_units{{
  {"GiB", std::uint64_t{1} << 30},
  {"MiB", std::uint64_t{1} << 20},
  {"KiB", std::uint64_t{1} << 10},
  {"B", 1},
  {"", 1},
}};

constexpr std::array<std::string_view, 4> true_words{"true", "1", "yes", "on"};
constexpr std::array<std::string_view, 4> false_words{"false", "0", "no", "off"};

constexpr std::string_view duration_expected =
  "expected a duration: a whole number followed by ms, s, m, h or d, e.g. 10s or 15m";
constexpr std::string_view size_expected =
  "expected a size: a whole number of bytes, optionally followed by B, KiB, MiB or GiB, "
  "e.g. 64KiB";
constexpr std::string_view rate_expected =
  "expected a rate: a whole number of events, '/', and a window with a unit (ms, s, m, h "
  "or d), e.g. 5/10m";

/// A text split into its leading decimal digits and the rest.
struct number_and_suffix {
  std::string_view digits;
  std::string_view suffix;
};

/// Splits `text` after its leading decimal digits.
number_and_suffix split_digits(std::string_view text) {
  auto end = std::find_if(text.begin(), text.end(),
                          [](char c) { return std::isdigit(static_cast<unsigned char>(c)) == 0; });
  auto length = static_cast<std::size_t>(end - text.begin());
  return {text.substr(0, length), text.substr(length)};
}

/// Reads all of `digits` as a number of type T; nullopt on overflow or on any other character.
template <class T>
std::optional<T> to_number(std::string_view digits) {
  T value{};
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc{} || end != digits.data() + digits.size() || digits.empty())
    return std::nullopt;
  return value;
}

/// True when `a` and `b` are equal ignoring ASCII case.
bool equals_ignoring_case(std::string_view a, std::string_view b) {
  auto fold = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [&](char x, char y) { return fold(x) == fold(y); });
}

/// True for the decimal size units refused as ambiguous (KB, MB, GB and their short forms).
bool is_decimal_size_unit(std::string_view suffix) {
  constexpr std::array<std::string_view, 6> decimal{"k", "kb", "m", "mb", "g", "gb"};
  return std::any_of(decimal.begin(), decimal.end(),
                     [&](std::string_view word) { return equals_ignoring_case(suffix, word); });
}

/// Writes `amount` base units with the largest unit of `units` that divides it exactly.
template <std::size_t N>
std::string format_with_units(std::uint64_t amount, const std::array<unit, N>& units) {
  for (const auto& candidate : units)
    if (amount % candidate.factor == 0)
      return std::to_string(amount / candidate.factor) + std::string{candidate.suffix};
  return std::to_string(amount);
}

} // namespace

tl::expected<std::chrono::milliseconds, std::string> parse_duration(std::string_view text) {
  auto [digits, suffix] = split_digits(text);
  if (digits.empty())
    return tl::unexpected(std::string{duration_expected});
  if (suffix.empty())
    return tl::unexpected(std::string{"expected a duration with a unit (ms, s, m, h or d), "
                                      "e.g. 10s: a bare number is ambiguous"});
  auto found = std::find_if(duration_units.begin(), duration_units.end(),
                            [suffix = suffix](const unit& u) { return u.suffix == suffix; });
  if (found == duration_units.end())
    return tl::unexpected(std::string{duration_expected});
  auto limit = static_cast<std::uint64_t>(max_duration.count()) / found->factor;
  auto number = to_number<std::uint64_t>(digits);
  if (!number || *number > limit)
    return tl::unexpected(std::string{"expected a duration of at most "}
                          + format_duration(max_duration));
  return std::chrono::milliseconds{static_cast<std::int64_t>(*number * found->factor)};
}

std::string format_duration(std::chrono::milliseconds value) {
  if (value.count() <= 0)
    return "0s";
  return format_with_units(static_cast<std::uint64_t>(value.count()), duration_units);
}

tl::expected<std::uint64_t, std::string> parse_size(std::string_view text) {
  auto [digits, suffix] = split_digits(text);
  if (digits.empty())
    return tl::unexpected(std::string{size_expected});
  if (is_decimal_size_unit(suffix))
    return tl::unexpected(std::string{"expected a size in binary units (B, KiB, MiB or GiB; "
                                      "1 KiB = 1024 bytes), e.g. 64KiB: decimal units are "
                                      "ambiguous"});
  auto found = std::find_if(size_units.begin(), size_units.end(), [suffix = suffix](const unit& u) {
    return equals_ignoring_case(u.suffix, suffix);
  });
  if (found == size_units.end())
    return tl::unexpected(std::string{size_expected});
  auto number = to_number<std::uint64_t>(digits);
  if (!number || *number > std::numeric_limits<std::uint64_t>::max() / found->factor)
    return tl::unexpected(std::string{"expected a size that fits in 64 bits"});
  return *number * found->factor;
}

std::string format_size(std::uint64_t bytes) {
  if (bytes == 0)
    return "0B";
  return format_with_units(bytes, size_units);
}

tl::expected<rate_limit, std::string> parse_rate(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos)
    return tl::unexpected(std::string{rate_expected});
  auto count = to_number<std::uint32_t>(text.substr(0, slash));
  auto window = parse_duration(text.substr(slash + 1));
  if (!count || !window)
    return tl::unexpected(std::string{rate_expected});
  if (*count == 0)
    return tl::unexpected(std::string{"expected a rate with a count of at least 1, e.g. 5/10m"});
  if (window->count() == 0)
    return tl::unexpected(std::string{"expected a rate with a window longer than zero, "
                                      "e.g. 5/10m"});
  return rate_limit{*count, *window};
}

std::string format_rate(const rate_limit& rate) {
  return std::to_string(rate.count) + "/" + format_duration(rate.window);
}

tl::expected<bool, std::string> parse_bool(std::string_view text) {
  auto matches = [&](std::string_view word) { return equals_ignoring_case(text, word); };
  if (std::any_of(true_words.begin(), true_words.end(), matches))
    return true;
  if (std::any_of(false_words.begin(), false_words.end(), matches))
    return false;
  return tl::unexpected(std::string{"expected a boolean: true, false, yes, no, on, off, 1 or 0"});
}

std::string_view format_bool(bool value) {
  return value ? "true" : "false";
}

} // namespace verity
