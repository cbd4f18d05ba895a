#include "net/api/openapi_route.hpp"

#include <string>

#include "net/api/router.hpp"
#include "net/api/static_assets.hpp"
#include "net/api/static_routes.hpp"

namespace verity::net {

std::string_view openapi_document() {
  return openapi_assets().front().bytes;
}

void add_openapi_route(router& routes) {
  auto answer = static_response(openapi_assets().front());
  routes.add("GET", openapi_path, [answer](const http_request&, responder respond) {
    respond(answer);
  });
}

} // namespace verity::net
