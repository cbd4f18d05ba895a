#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_message.hpp"

namespace verity::net {

/// Maps method and path to a handler; answers 404 `not_found` for unknown paths and 405 for a
/// known path with another method. Routes are added before the server starts; `handle` is then
/// read-only and safe from any thread.
class router final : public request_handler {
public:
  /// Handles one routed request; answers through the responder.
  using route_handler = std::function<void(const http_request&, responder)>;

  /// Routes `method` + exact `path` to `handler`.
  void add(std::string method, std::string path, route_handler handler);

  void handle(http_request request, responder respond) override;

private:
  struct route {
    std::string method;
    std::string path;
    route_handler handler;
  };
  std::vector<route> routes_;
};

} // namespace verity::net
