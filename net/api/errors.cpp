#include "net/api/errors.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "net/api/request_parsing.hpp"

namespace verity::net {

std::string retry_after_header(std::chrono::milliseconds wait) {
  auto seconds = (wait.count() + 999) / 1000;
  return std::to_string(std::max<std::int64_t>(seconds, 1));
}

http_response with_retry_after(http_response response, std::chrono::milliseconds wait) {
  response.headers.emplace_back("Retry-After", retry_after_header(wait));
  return response;
}

http_response invalid_field(std::string_view field, std::string_view message) {
  nlohmann::json body = {
    {"error", {{"code", "invalid_request"}, {"message", message}, {"details", {{"field", field}}}}},
  };
  return {400, "application/json", to_body(body), {}};
}

http_response invalid_phone(std::string_view field, std::string_view reason) {
  auto message = "Field '" + std::string(field) + "' is not a valid phone number: "
                 + std::string(reason) + ".";
  nlohmann::json body = {
    {"error", {{"code", "invalid_phone"}, {"message", message}, {"details", {{"field", field}}}}},
  };
  return {400, "application/json", to_body(body), {}};
}

http_response unsupported_media_type(std::string_view expected) {
  return error_response(415, "unsupported_media_type",
                        "The request body must be sent as " + std::string(expected) + ".");
}

http_response overloaded_response(std::chrono::milliseconds retry_after) {
  return with_retry_after(
    error_response(503, "overloaded", "The service is busy; try again shortly."), retry_after);
}

http_response failure_response(const engine_failure& failure) {
  switch (failure.code) {
    case ec::not_found:
      return error_response(404, "not_found", "Nothing was found under this id, or it can no longer be used.");
    case ec::opted_out:
      return error_response(403, "opted_out", "This number has opted out of messages (STOP).");
    case ec::rate_limited:
      return with_retry_after(
        error_response(429, "rate_limited", "Too many messages to this number; try again later."),
        failure.retry_after);
    case ec::max_attempts_reached:
      return error_response(429, "max_attempts_reached",
                            "Too many wrong codes; start a new verification.");
    case ec::overloaded:
      return overloaded_response(failure.retry_after);
    case ec::invalid_request:
      return error_response(400, "invalid_request",
                            "The request is not valid for this verification's current state.");
    case ec::none:
    case ec::storage_failed:
      break;
  }
  return error_response(500, "internal", "The request could not be completed.");
}

} // namespace verity::net
