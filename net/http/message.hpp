#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace verity::net {

/// An HTTP request as the application sees it: transport details stay in the server.
struct http_request {
  std::string method;         ///< "GET", "POST", ...
  std::string target;         ///< Path and query, as sent: "/v1/verifications/VE...?wait=5".
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_address; ///< The peer's IP address: the socket's other end.
  /// The client's IP address, for per-IP limits and logs: `remote_address`, or the client a
  /// trusted proxy names in its forwarding headers (set by the request handler before routes
  /// see the request; see net/api/client_address.hpp).
  std::string client_address;
  /// Values of the route pattern's `{name}` segments, percent-decoded (set by the router).
  std::vector<std::pair<std::string, std::string>> path_params;

  /// The first value of header `name` (case-insensitive), or "" when absent.
  std::string_view header(std::string_view name) const;

  /// The value of every line of header `name` (case-insensitive), in the order received.
  std::vector<std::string_view> header_lines(std::string_view name) const;

  /// The path part of `target`, without the query.
  std::string_view path() const;

  /// The query part of `target` after '?', or "".
  std::string_view query() const;

  /// The value of path parameter `name` (see router), or "" when the route has none.
  std::string_view path_param(std::string_view name) const;
};

/// An HTTP response the application hands back.
struct http_response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers; ///< Extra headers (Retry-After, ...).
};

/// Delivers the response to a request. Call it exactly once, from any thread: the server moves
/// the response back onto the connection's strand.
using responder = std::function<void(http_response)>;

/// What the server calls for every complete request. Implementations must be thread-safe
/// (several I/O threads may call at once) and must never block: answer through the responder,
/// now or later.
class request_handler {
public:
  virtual ~request_handler() = default;

  /// Handles one request; answers through `respond`.
  virtual void handle(http_request request, responder respond) = 0;
};

/// The API error body: {"error": {"code": ..., "message": ...}}.
http_response error_response(int status, std::string_view code, std::string_view message);

} // namespace verity::net
