#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config_values.hpp"
#include "engine/metrics.hpp"
#include "net/api/cors_policy.hpp"
#include "net/http/message.hpp"

namespace verity::net {

/// Maps method and path to a handler; answers 404 `not_found` for unknown paths and 405
/// `method_not_allowed` (with an `Allow` header) for a known path with another method. Every
/// request is answered exactly once (see answer_once); a handler that throws answers 500
/// `internal`. Routes are added before the server starts; `handle` is then read-only and safe
/// from any thread.
///
/// A pattern is a path of '/'-separated segments, each either literal or a parameter `{name}`
/// that matches one non-empty segment ("/v1/verifications/{id}/check"). The handler reads the
/// percent-decoded value with `request.path_param("id")`. When several patterns match a path,
/// the one with a literal segment where the others have a parameter wins (leftmost difference
/// first), so "/v1/items/stats" beats "/v1/items/{id}" whatever the order they were added in.
///
/// Before routing, the request's `client_address` is resolved through the trusted proxies
/// (client_address.hpp; none by default: the socket's address). Paths under a prefix given to
/// `allow_cors` follow that CORS policy: their preflights are answered by it (a path no route
/// matches: 404), and every answer, errors included, carries its headers.
///
/// With metrics, every answer is counted by route pattern (never the raw path) and status code,
/// and timed; requests no route matches count as route "unmatched".
class router final : public request_handler {
public:
  /// Handles one routed request; answers through the responder.
  using route_handler = std::function<void(const http_request&, responder)>;

  /// One registered route, as added: its method and its pattern ("/v1/verifications/{id}").
  struct route_key {
    std::string method;
    std::string pattern;
  };

  /// A router that records into `recorder` when it is not null (it must outlive the router).
  explicit router(metrics* recorder = nullptr);

  /// Routes `method` + `pattern` to `handler`. Throws std::invalid_argument for a pattern that
  /// does not start with '/' or has an empty parameter name (a programming error).
  void add(std::string method, std::string_view pattern, route_handler handler);

  /// Lets browser pages of the origins `policy` allows call the routes whose path starts with
  /// `prefix` ("/api/referrals/"). The first prefix added that matches a path applies.
  void allow_cors(std::string prefix, std::shared_ptr<const cors_policy> policy);

  /// Believes the forwarding headers of requests whose socket address is in `proxies`.
  void trust_proxies(std::vector<ip_network> proxies);

  /// Every route added so far, in the order added (for checking the API's description).
  [[nodiscard]] std::vector<route_key> registered() const;

  /// Runs the handler of the best route for `request` (with its path parameters set), or
  /// answers 404/405, or a CORS preflight.
  void handle(http_request request, responder respond) override;

private:
  /// One segment of a pattern: literal text, or the name of a parameter.
  struct segment {
    std::string text;
    bool parameter = false;
  };

  struct route {
    std::string method;
    std::string text; ///< The pattern as written, for logs (never the path: it may hold a phone).
    std::vector<segment> pattern;
    route_handler handler;
    const metrics::route_series* series = nullptr; ///< Null without metrics.
  };

  using params = std::vector<std::pair<std::string, std::string>>;

  /// The parameters `candidate` binds for `segments`, or nothing when it does not match.
  static std::optional<params> match(const route& candidate,
                                     const std::vector<std::string_view>& segments);

  /// Calls the handler of `chosen`; an exception it throws becomes 500 `internal`.
  static void run(const route& chosen, const http_request& request, responder respond);

  /// True when `a` is more specific than `b` (a literal where `b` has a parameter, leftmost).
  static bool more_specific(const route& a, const route& b);

  /// `respond`, counting and timing its answer in `series` when there are metrics.
  responder recorded(const metrics::route_series* series, responder respond) const;

  /// The CORS policy of `path`, or null when it has none.
  std::shared_ptr<const cors_policy> cors_of(std::string_view path) const;

  metrics* metrics_;
  std::vector<std::pair<std::string, std::shared_ptr<const cors_policy>>> cors_;
  std::vector<ip_network> trusted_proxies_;
  const metrics::route_series* unmatched_ = nullptr; ///< Null without metrics.
  std::vector<route> routes_;
};

} // namespace verity::net
