#include "tests/support/verity_api.hpp"

#include <fmt/format.h>

#include "engine/delivery_status.hpp"

namespace verity::test {

namespace {

std::vector<std::string> headers_for(const std::string& api_key) {
  return {"Authorization: Bearer " + api_key, "Content-Type: application/json"};
}

} // namespace

http_result verity_api::create(const std::string& phone,
                               const std::string& idempotency_key) const {
  auto headers = headers_for(api_key_);
  if (!idempotency_key.empty())
    headers.push_back("Idempotency-Key: " + idempotency_key);
  return http_call("POST", address_ + "/v1/verifications", nlohmann::json{{"to", phone}}.dump(),
                   headers);
}

http_result verity_api::read(const std::string& id, const std::string& seen,
                             std::chrono::seconds wait) const {
  return http_call("GET", fmt::format("{}/v1/verifications/{}?wait={}&seen={}", address_, id,
                                      wait.count(), seen),
                   {}, headers_for(api_key_));
}

http_result verity_api::message(const std::string& id) const {
  return http_call("GET", address_ + "/v1/messages/" + id, {}, headers_for(api_key_));
}

http_result verity_api::check(const std::string& id, const std::string& code) const {
  return http_call("POST", address_ + "/v1/verifications/" + id + "/check",
                   nlohmann::json{{"code", code}}.dump(), headers_for(api_key_));
}

nlohmann::json json_of(const http_result& answer) {
  return nlohmann::json::parse(answer.body, nullptr, false);
}

int rank_of(const std::string& state) {
  if (state == "sending")
    return 0;
  auto parsed = parse_delivery_status(state);
  return parsed ? static_cast<int>(*parsed) : -1;
}

} // namespace verity::test
