#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

/// Text forms of the quantities settings are written in: durations, sizes, rates and booleans.
/// Every parser returns an error that starts with "expected ..." and says what the text should
/// look like, so callers can write "KEY: value 'V' is invalid: <error>". Parsers never throw and
/// accept no surrounding whitespace; callers trim.
namespace verity {

/// The longest duration accepted: 36500 days (about 100 years). Longer values would overflow
/// time arithmetic on nanosecond clocks.
inline constexpr std::chrono::milliseconds max_duration = std::chrono::hours{24 * 36500};

/// Parses a whole number followed by one unit: "250ms", "10s", "15m", "1h", "90d". A bare number
/// is an error (the unit is never guessed). Zero ("0s") is accepted; callers decide minimums.
tl::expected<std::chrono::milliseconds, std::string> parse_duration(std::string_view text);

/// Writes a duration in its canonical form: the largest unit that divides it exactly
/// (600000 ms -> "10m", 1500 ms -> "1500ms", 0 -> "0s"). Negative input is clamped to "0s".
std::string format_duration(std::chrono::milliseconds value);

/// Parses a byte count: bare bytes ("512"), or a whole number followed by B, KiB, MiB or GiB
/// (units case-insensitive: "64KiB", "1mib"). Decimal units (KB, MB, GB) are refused because
/// they are ambiguous; the error says to write KiB, MiB or GiB.
tl::expected<std::uint64_t, std::string> parse_size(std::string_view text);

/// Writes a byte count in its canonical form: the largest binary unit that divides it exactly
/// (65536 -> "64KiB", 1000 -> "1000B").
std::string format_size(std::uint64_t bytes);

/// At most `count` events per `window`, e.g. 5 sends per 10 minutes.
struct rate_limit {
  std::uint32_t count = 0;          ///< Events allowed per window; at least 1.
  std::chrono::milliseconds window{}; ///< Length of the window; longer than zero.

  /// Two limits are equal when both count and window are.
  friend bool operator==(const rate_limit&, const rate_limit&) = default;
};

/// Parses "<count>/<duration>", e.g. "5/10m" or "120/1m". A count of zero or a zero window is
/// refused: such a limit means nothing.
tl::expected<rate_limit, std::string> parse_rate(std::string_view text);

/// Writes a rate in its canonical form, e.g. "5/10m".
std::string format_rate(const rate_limit& rate);

/// Parses true/false, 1/0, yes/no, on/off in any case.
tl::expected<bool, std::string> parse_bool(std::string_view text);

/// Writes "true" or "false".
std::string_view format_bool(bool value);

} // namespace verity
