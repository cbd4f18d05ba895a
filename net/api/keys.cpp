#include "net/api/keys.hpp"

#include "engine/code.hpp"
#include "net/api/request_parsing.hpp"

namespace verity::net {

api_key_checker::api_key_checker(std::shared_ptr<const secret_store> secrets)
  : secrets_(std::move(secrets)) {
}

std::optional<std::size_t> api_key_checker::match(const http_request& request) const {
  auto token = bearer_token(request);
  if (token.empty())
    return std::nullopt;
  auto secrets = secrets_->current();
  const auto& keys = secrets->api_keys;
  std::optional<std::size_t> matched;
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (constant_time_equal(token, keys[i]) && !matched)
      matched = i;
  return matched;
}

http_response unauthorized_response() {
  auto answer = error_response(401, "unauthorized",
                               "A valid API key is required: Authorization: Bearer <key>.");
  answer.headers.emplace_back("WWW-Authenticate", "Bearer");
  return answer;
}

} // namespace verity::net
