// Fuzzes the webhook input path of engine/form and engine/twilio_signature: parse_form on any
// body, its round trip through encode_form, and validate_twilio_signature on any header, URL
// and body (including bodySHA256 URLs), checking that a correct signature is always accepted.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/form.hpp"
#include "engine/twilio_signature.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using verity::fuzz::require;

const std::array<std::string, 2> tokens = {"token-current", "token-previous"};

/// The next '\n'-terminated field of `input` (the rest when there is no '\n').
std::string_view next_field(std::string_view& input) {
  auto end = input.find('\n');
  auto field = input.substr(0, end);
  input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
  return field;
}

/// Encoding decoded params and decoding again gives the same params.
void check_round_trip(const verity::form_params& params) {
  auto encoded = verity::encode_form(params);
  auto decoded = verity::parse_form(encoded);
  require(decoded.has_value(), "encode_form wrote a body parse_form refuses");
  require(*decoded == params, "a form does not survive encode_form and parse_form");
}

/// The signature Twilio would compute is accepted, with either token.
void check_valid_signature(std::string_view url, const verity::form_params& params,
                           std::string_view body) {
  if (url.find("bodySHA256=") != std::string_view::npos)
    return;
  for (const auto& token : tokens) {
    auto signature = verity::compute_twilio_signature(token, url, params);
    require(verity::validate_twilio_signature(signature, url, params, body, tokens),
            "a correct signature was refused");
  }
}

} // namespace

/// Input: the X-Twilio-Signature header, '\n', the URL, '\n', then the form body.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input{reinterpret_cast<const char*>(data), size};
  auto header = next_field(input);
  auto url = next_field(input);
  auto body = input;
  auto params = verity::parse_form(body);
  if (!params) {
    require(!params.error().empty(), "a refusal without a reason");
    return 0;
  }
  check_round_trip(*params);
  (void)verity::validate_twilio_signature(header, url, *params, body, tokens);
  check_valid_signature(url, *params, body);
  return 0;
}
