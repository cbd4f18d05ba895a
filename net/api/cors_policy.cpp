#include "net/api/cors_policy.hpp"

#include <algorithm>
#include <utility>

namespace verity::net {

namespace {

/// What the compatibility and demo pages send: simple GETs and JSON POSTs.
constexpr std::string_view allowed_methods = "GET, POST";
constexpr std::string_view allowed_headers = "Content-Type";
/// How long a browser may reuse a preflight answer, in seconds: short enough that a changed
/// VERITY_CORS_ORIGINS takes effect within minutes.
constexpr std::string_view preflight_max_age = "600";

} // namespace

cors_policy::cors_policy(std::vector<std::string> origins) : origins_(std::move(origins)) {}

bool cors_policy::allows(std::string_view origin) const {
  return !origin.empty() && std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

bool cors_policy::is_preflight(const http_request& request) {
  return request.method == "OPTIONS" && !request.header("Origin").empty()
         && !request.header("Access-Control-Request-Method").empty();
}

http_response cors_policy::preflight(const http_request& request) const {
  auto origin = request.header("Origin");
  http_response answer;
  if (allows(origin)) {
    answer.status = 204;
    answer.headers.emplace_back("Access-Control-Allow-Methods", allowed_methods);
    answer.headers.emplace_back("Access-Control-Allow-Headers", allowed_headers);
    answer.headers.emplace_back("Access-Control-Max-Age", preflight_max_age);
  } else {
    answer = error_response(403, "origin_not_allowed",
                            "This origin may not call this route from a browser.");
  }
  add_headers(origin, answer);
  return answer;
}

void cors_policy::add_headers(std::string_view origin, http_response& answer) const {
  if (origins_.empty())
    return;
  answer.headers.emplace_back("Vary", "Origin");
  if (allows(origin))
    answer.headers.emplace_back("Access-Control-Allow-Origin", origin);
}

} // namespace verity::net
