#pragma once

// Serves the OpenAPI 3.1 document of every route (docs/openapi.json, compiled in).

#include <string_view>

namespace verity::net {

class router;

/// Where the document is served, without an API key.
inline constexpr std::string_view openapi_path = "/openapi.json";

/// The document's text, exactly as docs/openapi.json was at build time.
std::string_view openapi_document();

/// Adds GET /openapi.json: the document as `application/json`, with the static files' headers
/// (static_routes.hpp).
void add_openapi_route(router& routes);

} // namespace verity::net
