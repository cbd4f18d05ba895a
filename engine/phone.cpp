#include "engine/phone.hpp"

#include <algorithm>
#include <cstddef>
#include <exception>
#include <string>
#include <utility>

#include <phonenumbers/logger.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

namespace verity {

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

/// Longer input is refused before libphonenumber sees it (real numbers are far shorter).
constexpr std::size_t max_input_length = 64;

/// Twilio's address prefix for WhatsApp numbers.
constexpr std::string_view whatsapp_prefix = "whatsapp:";

/// E.164 allows at most 15 digits, country code included.
constexpr std::size_t max_e164_digits = 15;

/// How many times an E.164 form is parsed again before it is taken as unstable (two suffice for
/// every number seen; the bound only keeps a metadata surprise from looping).
constexpr int max_canonical_rounds = 3;

/// The region libphonenumber uses for input that must carry its own '+' and country code.
constexpr const char* unknown_region = "ZZ";

/// Country calling codes have one to three digits.
constexpr std::size_t max_country_code_length = 3;

/// A masked E.164 number shows at most this many trailing digits...
constexpr std::size_t shown_last_digits = 4;

/// ...and always hides at least this many digits after the country code.
constexpr std::size_t min_hidden_digits = 2;

/// Input that is not E.164 shows at most this many trailing characters...
constexpr std::size_t shown_last_chars = 2;

/// ...and only when it has at least this many characters.
constexpr std::size_t min_length_to_show_chars = 6;

/// The library's singleton, its logger muted the first time it is used (thread-safe: the
/// function-local static is initialised exactly once, and every later use is const).
const PhoneNumberUtil& library() {
  static const PhoneNumberUtil& util = []() -> const PhoneNumberUtil& {
    PhoneNumberUtil& instance = *PhoneNumberUtil::GetInstance();
    // SetLogger takes ownership of the logger: the singleton keeps it in a scoped_ptr, deletes it
    // with itself (or when a later logger replaces it) and deletes the one it replaces now.
    instance.SetLogger(new i18n::phonenumbers::NullLogger());
    return instance;
  }();
  return util;
}

/// True if `c` is an ASCII letter.
bool is_ascii_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/// True if `c` is an ASCII digit.
bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}

/// True if `c` is a visible ASCII character (safe to print in logs and JSON).
bool is_visible_ascii(char c) {
  return c > ' ' && c <= '~';
}

/// ASCII upper case of `c`.
char to_upper_ascii(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

/// ASCII lower case of `c`.
char to_lower_ascii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// The default region in the library's upper-case form, or why it cannot be used.
tl::expected<std::string, std::string> normalize_region(std::string_view region) {
  if (region.size() != 2 || !std::all_of(region.begin(), region.end(), is_ascii_alpha)) {
    return tl::unexpected(std::string("default region must be a two-letter ISO 3166-1 code"));
  }
  std::string upper(region);
  std::transform(upper.begin(), upper.end(), upper.begin(), to_upper_ascii);
  if (library().GetCountryCodeForRegion(upper) == 0) {
    return tl::unexpected("default region " + upper + " is not a known region");
  }
  return upper;
}

/// Why libphonenumber could not parse the input.
std::string parse_error_reason(PhoneNumberUtil::ErrorType error) {
  switch (error) {
    case PhoneNumberUtil::NOT_A_NUMBER:
      return "phone number is not a number";
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
      return "phone number has an invalid country code";
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
      return "phone number is too short after its international prefix";
    case PhoneNumberUtil::TOO_SHORT_NSN:
      return "phone number is too short";
    case PhoneNumberUtil::TOO_LONG_NSN:
      return "phone number is too long";
    case PhoneNumberUtil::NO_PARSING_ERROR:
      break;
  }
  return "phone number could not be parsed";
}

/// Why a number that parsed is still not valid, from its length against its numbering plan.
std::string invalid_reason(const PhoneNumber& number) {
  const std::string plan = "country code +" + std::to_string(number.country_code());
  switch (library().IsPossibleNumberWithReason(number)) {
    case PhoneNumberUtil::INVALID_COUNTRY_CODE:
      return "phone number has an invalid country code";
    case PhoneNumberUtil::TOO_SHORT:
      return "phone number is too short for " + plan;
    case PhoneNumberUtil::TOO_LONG:
      return "phone number is too long for " + plan;
    case PhoneNumberUtil::INVALID_LENGTH:
      return "phone number has the wrong number of digits for " + plan;
    case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY:
      return "phone number lacks its area code";
    case PhoneNumberUtil::IS_POSSIBLE:
      break;
  }
  return "phone number is not a valid number for its region (" + plan + ")";
}

/// Our name for the library's number type.
line_type to_line_type(PhoneNumberUtil::PhoneNumberType type) {
  switch (type) {
    case PhoneNumberUtil::MOBILE:
      return line_type::mobile;
    case PhoneNumberUtil::FIXED_LINE:
      return line_type::fixed_line;
    case PhoneNumberUtil::FIXED_LINE_OR_MOBILE:
      return line_type::fixed_line_or_mobile;
    case PhoneNumberUtil::VOIP:
      return line_type::voip;
    case PhoneNumberUtil::TOLL_FREE:
      return line_type::toll_free;
    case PhoneNumberUtil::UNKNOWN:
      return line_type::unknown;
    case PhoneNumberUtil::PREMIUM_RATE:
    case PhoneNumberUtil::SHARED_COST:
    case PhoneNumberUtil::PERSONAL_NUMBER:
    case PhoneNumberUtil::PAGER:
    case PhoneNumberUtil::UAN:
    case PhoneNumberUtil::VOICEMAIL:
      break;
  }
  return line_type::other;
}

/// The ISO region of a valid number; "" for non-geographic ones ("001") and unknown ones ("ZZ").
std::string region_of(const PhoneNumber& number) {
  std::string region;
  library().GetRegionCodeForNumber(number, &region);
  return (region.size() == 2 && region != "ZZ") ? region : std::string();
}

/// The canonical form of a parsed number, or why it cannot receive messages.
tl::expected<phone_number, std::string> to_phone_number(const PhoneNumber& number) {
  if (number.has_extension()) {
    return tl::unexpected(
        std::string("phone number has an extension, which cannot receive messages"));
  }
  if (!library().IsValidNumber(number)) {
    return tl::unexpected(invalid_reason(number));
  }
  phone_number result;
  library().Format(number, PhoneNumberUtil::E164, &result.e164);
  // Some plans (Germany's) accept numbers longer than E.164 allows, which Twilio refuses.
  if (result.e164.size() > max_e164_digits + 1) {
    return tl::unexpected("phone number has more than " + std::to_string(max_e164_digits) +
                          " digits, the most E.164 allows");
  }
  result.region = region_of(number);
  result.type = to_line_type(library().GetNumberType(number));
  return result;
}

/// The number `parsed` names, in the E.164 form that parses to itself.
/// libphonenumber is not idempotent everywhere: with Mexico's old mobile token, "+52 11 33 1210
/// 0413" gives +5213312100413, which parses again to +523312100413, and both are valid. One line
/// must have one key (limits, locks and history are per number), so the E.164 form is parsed
/// again until it is stable; a number whose form does not settle is refused.
tl::expected<phone_number, std::string> settle_canonical_form(phone_number parsed) {
  for (int round = 0; round < max_canonical_rounds; ++round) {
    PhoneNumber number;
    const auto error = library().Parse(parsed.e164, unknown_region, &number);
    if (error != PhoneNumberUtil::NO_PARSING_ERROR) {
      break;
    }
    auto again = to_phone_number(number);
    if (!again) {
      break;
    }
    if (again->e164 == parsed.e164) {
      return parsed;
    }
    parsed = std::move(*again);
  }
  return tl::unexpected(std::string("phone number has no stable E.164 form"));
}

/// parse_phone without the exception guard.
tl::expected<phone_number, std::string> parse_unguarded(std::string_view input,
                                                        std::string_view default_region) {
  if (input.size() > max_input_length) {
    return tl::unexpected("phone number is longer than " + std::to_string(max_input_length) +
                          " characters");
  }
  const std::string_view text = strip_whatsapp_prefix(input);
  if (text.empty()) {
    return tl::unexpected(std::string("phone number is empty"));
  }
  const auto region = normalize_region(default_region);
  if (!region) {
    return tl::unexpected(region.error());
  }
  PhoneNumber number;
  const auto error = library().Parse(std::string(text), *region, &number);
  if (error != PhoneNumberUtil::NO_PARSING_ERROR) {
    return tl::unexpected(parse_error_reason(error));
  }
  auto result = to_phone_number(number);
  if (!result || result->e164 == text) {
    return result;
  }
  return settle_canonical_form(std::move(*result));
}

/// Length of the country calling code at the start of `digits`, 0 if none is assigned.
/// Country codes are prefix-free, so the first assigned prefix is the code.
std::size_t country_code_length(std::string_view digits) {
  if (digits.empty() || digits.front() == '0') {
    return 0;
  }
  int code = 0;
  for (std::size_t length = 1; length <= std::min(max_country_code_length, digits.size());
       ++length) {
    code = code * 10 + (digits[length - 1] - '0');
    std::string region;
    library().GetRegionCodeForCountryCode(code, &region);
    if (region != "ZZ") {
      return length;
    }
  }
  return 0;
}

/// True if `text` is '+' followed by one to fifteen ASCII digits.
bool looks_like_e164(std::string_view text) {
  return text.size() >= 2 && text.size() <= max_e164_digits + 1 && text.front() == '+' &&
         std::all_of(text.begin() + 1, text.end(), is_ascii_digit);
}

/// Masks what is not E.164: stars, and the last two characters when the input is long enough
/// and they are visible ASCII. The result never has more than max_input_length characters.
std::string mask_other(std::string_view text) {
  const std::size_t length = std::min(text.size(), max_input_length);
  const std::string_view tail = text.substr(text.size() - std::min(shown_last_chars, text.size()));
  const bool show_tail = text.size() >= min_length_to_show_chars &&
                         std::all_of(tail.begin(), tail.end(), is_visible_ascii);
  if (!show_tail) {
    return std::string(length, '*');
  }
  return std::string(length - tail.size(), '*') + std::string(tail);
}

/// Masks one number (no whatsapp prefix): see mask_phone.
std::string mask_number(std::string_view text) {
  if (!looks_like_e164(text)) {
    return mask_other(text);
  }
  const std::string_view digits = text.substr(1);
  const std::size_t code_length = country_code_length(digits);
  const std::string_view national = digits.substr(code_length);
  if (code_length == 0 || national.size() <= min_hidden_digits) {
    return mask_other(text);
  }
  const std::size_t shown = std::min(shown_last_digits, national.size() - min_hidden_digits);
  return "+" + std::string(digits.substr(0, code_length)) +
         std::string(national.size() - shown, '*') +
         std::string(national.substr(national.size() - shown));
}

} // namespace

std::string_view to_string(line_type type) {
  switch (type) {
    case line_type::mobile:
      return "mobile";
    case line_type::fixed_line:
      return "fixed_line";
    case line_type::fixed_line_or_mobile:
      return "fixed_line_or_mobile";
    case line_type::voip:
      return "voip";
    case line_type::toll_free:
      return "toll_free";
    case line_type::other:
      return "other";
    case line_type::unknown:
      break;
  }
  return "unknown";
}

tl::expected<phone_number, std::string> parse_phone(std::string_view input,
                                                    std::string_view default_region) {
  try {
    return parse_unguarded(input, default_region);
  } catch (const std::exception& e) {
    return tl::unexpected(std::string("phone number could not be parsed: ") + e.what());
  } catch (...) {
    return tl::unexpected(std::string("phone number could not be parsed"));
  }
}

bool is_e164_form(std::string_view text) {
  return looks_like_e164(text) && text[1] != '0';
}

std::string to_whatsapp_address(std::string_view e164) {
  return std::string(whatsapp_prefix) + std::string(strip_whatsapp_prefix(e164));
}

std::string_view strip_whatsapp_prefix(std::string_view address) {
  return is_whatsapp_address(address) ? address.substr(whatsapp_prefix.size()) : address;
}

bool is_whatsapp_address(std::string_view address) {
  return address.size() >= whatsapp_prefix.size() &&
         std::equal(whatsapp_prefix.begin(), whatsapp_prefix.end(), address.begin(),
                    [](char expected, char actual) { return expected == to_lower_ascii(actual); });
}

std::string number_prefix(std::string_view e164) {
  if (!looks_like_e164(e164))
    return std::string{e164};
  auto digits = e164.substr(1);
  auto code_length = country_code_length(digits);
  return "+" + std::string{digits.substr(0, std::min(digits.size(), code_length + 3))};
}

std::string country_prefix(std::string_view e164) {
  if (!looks_like_e164(e164))
    return std::string{e164};
  auto digits = e164.substr(1);
  auto code_length = country_code_length(digits);
  if (code_length == 0)
    return std::string{e164};
  return "+" + std::string{digits.substr(0, code_length)};
}

std::string mask_phone(std::string_view e164) {
  if (is_whatsapp_address(e164)) {
    return std::string(whatsapp_prefix) + mask_number(strip_whatsapp_prefix(e164));
  }
  return mask_number(e164);
}

} // namespace verity
