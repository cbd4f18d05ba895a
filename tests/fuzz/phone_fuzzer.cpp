// Fuzzes engine/phone: parse_phone on any bytes and any default region, and the helpers that
// take E.164 numbers (masking, prefixes, WhatsApp addresses) on what it produces and on garbage.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/phone.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using verity::fuzz::require;

/// True when `text` is '+' and 2 to 15 digits.
bool is_e164(std::string_view text) {
  return text.size() >= 3 && text.size() <= 16 && text.front() == '+'
         && std::all_of(text.begin() + 1, text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// The helpers must accept any text without failing.
void exercise_helpers(std::string_view text) {
  auto masked = verity::mask_phone(text);
  require(masked.size() <= std::max<std::size_t>(text.size(), 64) + 9, "mask grew the text");
  (void)verity::number_prefix(text);
  (void)verity::strip_whatsapp_prefix(text);
  (void)verity::is_whatsapp_address(text);
}

/// A valid number's canonical form is stable and hides its middle digits when masked.
void check_valid(const verity::phone_number& phone) {
  require(is_e164(phone.e164), "parse_phone returned a number that is not E.164");
  auto again = verity::parse_phone(phone.e164, "US");
  require(again && again->e164 == phone.e164, "an E.164 number does not parse to itself");
  auto masked = verity::mask_phone(phone.e164);
  require(masked.size() == phone.e164.size(), "masking changed the length of a number");
  require(masked != phone.e164, "masking left a number whole");
  auto address = verity::to_whatsapp_address(phone.e164);
  require(verity::is_whatsapp_address(address), "a WhatsApp address is not recognised");
  require(verity::strip_whatsapp_prefix(address) == phone.e164, "the WhatsApp prefix round trip");
  require(verity::number_prefix(phone.e164).starts_with('+'), "a prefix lost its '+'");
}

} // namespace

/// Input: two bytes of default region, then the number as typed.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input{reinterpret_cast<const char*>(data), size};
  auto region = input.substr(0, 2);
  auto number = input.substr(std::min<std::size_t>(2, input.size()));
  exercise_helpers(number);
  auto parsed = verity::parse_phone(number, region);
  if (parsed)
    check_valid(*parsed);
  else
    require(!parsed.error().empty(), "a refusal without a reason");
  return 0;
}
