#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "net/http/message.hpp"

/// Which browser origins may call a group of routes from their pages (CORS), and the headers
/// that tell the browser so.
namespace verity::net {

/// Cross-origin access for exact origins (VERITY_CORS_ORIGINS). A request from an allowed
/// origin gets `Access-Control-Allow-Origin: <origin>` on every answer; its preflight gets 204
/// with the allowed methods (GET, POST), request headers (Content-Type) and how long the
/// browser may cache that. Any other origin gets no CORS header, and its preflight 403, which a
/// browser reads as a refusal. Answers carry `Vary: Origin` whenever some origin is allowed, so
/// that a cache never hands one origin's answer to another. Immutable, so safe from any thread.
class cors_policy {
public:
  /// Allows exactly `origins`, each in the form browsers send ("https://app.example.com",
  /// "http://127.0.0.1:5173"); none: no origin is allowed.
  explicit cors_policy(std::vector<std::string> origins);

  /// True when `origin` (an `Origin` header) is allowed.
  bool allows(std::string_view origin) const;

  /// True when `request` is a CORS preflight: OPTIONS with `Origin` and
  /// `Access-Control-Request-Method`.
  static bool is_preflight(const http_request& request);

  /// The answer to the preflight `request`: 204 with the CORS headers for an allowed origin,
  /// else 403 `origin_not_allowed` without them.
  http_response preflight(const http_request& request) const;

  /// Adds to `answer` the headers every answer to a request from `origin` gets ("" when the
  /// request had no `Origin`).
  void add_headers(std::string_view origin, http_response& answer) const;

private:
  std::vector<std::string> origins_;
};

} // namespace verity::net
