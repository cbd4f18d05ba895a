#include "net/router.hpp"

#include <algorithm>

namespace verity::net {

void router::add(std::string method, std::string path, route_handler handler) {
  routes_.push_back({std::move(method), std::move(path), std::move(handler)});
}

void router::handle(http_request request, responder respond) {
  auto path = request.path();
  bool path_known = false;
  for (const auto& candidate : routes_) {
    if (candidate.path != path)
      continue;
    path_known = true;
    if (candidate.method == request.method)
      return candidate.handler(request, std::move(respond));
  }
  if (path_known) {
    auto answer = error_response(405, "method_not_allowed",
                                 "This method is not allowed on this path.");
    respond(std::move(answer));
    return;
  }
  respond(error_response(404, "not_found", "No such route."));
}

} // namespace verity::net
