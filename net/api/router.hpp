#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/metrics.hpp"
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
/// With metrics, every answer is counted by route pattern (never the raw path) and status code,
/// and timed; requests no route matches count as route "unmatched".
class router final : public request_handler {
public:
  /// Handles one routed request; answers through the responder.
  using route_handler = std::function<void(const http_request&, responder)>;

  /// A router that records into `recorder` when it is not null (it must outlive the router).
  explicit router(metrics* recorder = nullptr);

  /// Routes `method` + `pattern` to `handler`. Throws std::invalid_argument for a pattern that
  /// does not start with '/' or has an empty parameter name (a programming error).
  void add(std::string method, std::string_view pattern, route_handler handler);

  /// Runs the handler of the best route for `request` (with its path parameters set), or
  /// answers 404/405.
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

  metrics* metrics_;
  const metrics::route_series* unmatched_ = nullptr; ///< Null without metrics.
  std::vector<route> routes_;
};

} // namespace verity::net
