// Fuzzes the JSON request bodies: parse_json_object and string_field on any bytes, then the
// same bytes as the body of a well-formed request to each JSON route (v1 create, resend and
// check; compatibility send-verification and verify-code) over the fake engine, so that the
// fuzzer reaches the field validation behind the authentication and media type checks.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/id.hpp"
#include "net/api/request_parsing.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/route_harness.hpp"

namespace {

using verity::fuzz::require;

/// The routes that read a JSON body; "{id}" becomes a valid verification id.
constexpr std::array<std::string_view, 5> routes = {
  "/v1/verifications", "/v1/verifications/{id}/resend", "/v1/verifications/{id}/check",
  "/api/referrals/send-verification", "/api/referrals/verify-code"};

/// The fields the routes read.
constexpr std::array<std::string_view, 8> fields = {"to",    "country", "channel", "fallback",
                                                    "locale", "code",   "phone",   "method"};

/// `pattern` with "{id}" replaced by a verification id.
std::string target_of(std::string_view pattern) {
  static const auto id = verity::verification_id::generate(42).to_string();
  std::string target{pattern};
  if (auto at = target.find("{id}"); at != std::string::npos)
    target.replace(at, 4, id);
  return target;
}

/// parse_json_object accepts only objects; string_field never throws on what it accepts.
void check_parsing(std::string_view body) {
  auto parsed = verity::net::parse_json_object(body);
  if (!parsed) {
    require(!parsed.error().empty(), "a refusal without a reason");
    return;
  }
  require(parsed->is_object(), "parse_json_object accepted something else than an object");
  for (auto name : fields)
    (void)verity::net::string_field(*parsed, name);
  (void)verity::net::to_body(*parsed);
}

verity::net::http_request json_request(std::string target, std::string_view body, bool keyed) {
  verity::net::http_request request;
  request.method = "POST";
  request.target = std::move(target);
  request.headers = {{"Content-Type", "application/json"},
                     {"Authorization", "Bearer " + std::string(verity::fuzz::api_key)}};
  if (keyed)
    request.headers.emplace_back("Idempotency-Key", "fuzz-idempotency-key");
  request.body = std::string(body);
  request.remote_address = "192.0.2.1";
  return request;
}

} // namespace

/// Input: one byte scripting the fake engine, one byte choosing the route (and whether an
/// Idempotency-Key is sent), then the body.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& harness = verity::fuzz::route_harness::instance();
  if (size < 2)
    return 0;
  std::string_view body{reinterpret_cast<const char*>(data) + 2, size - 2};
  check_parsing(body);
  harness.script(data[0]);
  auto pattern = routes[data[1] % routes.size()];
  auto target = target_of(pattern);
  auto answer = harness.handle(json_request(target, body, (data[1] & 0x80) != 0));
  verity::fuzz::check_answer(target, answer);
  return 0;
}
