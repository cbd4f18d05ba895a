#include "net/api/static_routes.hpp"

#include <array>
#include <string>
#include <utility>

#include "net/api/router.hpp"

namespace verity::net {

namespace {

/// The page served for the folder itself.
constexpr std::string_view index_name = "index.html";

/// Types by extension; text is UTF-8.
constexpr std::array<std::pair<std::string_view, std::string_view>, 7> types{{
  {".html", "text/html; charset=utf-8"},
  {".css", "text/css; charset=utf-8"},
  {".js", "text/javascript; charset=utf-8"},
  {".json", "application/json"},
  {".svg", "image/svg+xml"},
  {".png", "image/png"},
  {".ico", "image/x-icon"},
}};

/// A handler answering `answer`, whatever the request.
router::route_handler constant(http_response answer) {
  return [answer = std::move(answer)](const http_request&, responder respond) { respond(answer); };
}

} // namespace

std::string_view content_type_for(std::string_view name) {
  for (const auto& [extension, type] : types)
    if (name.ends_with(extension))
      return type;
  return "application/octet-stream";
}

http_response static_response(const static_asset& asset) {
  http_response answer{200, std::string(content_type_for(asset.name)), std::string(asset.bytes),
                       {}};
  answer.headers = {{"Cache-Control", "no-cache"},
                    {"Content-Security-Policy", std::string(static_csp)},
                    {"X-Content-Type-Options", "nosniff"},
                    {"Referrer-Policy", "no-referrer"}};
  return answer;
}

void add_static_routes(router& routes, std::string_view prefix,
                       std::span<const static_asset> assets) {
  std::string folder = std::string(prefix) + "/";
  for (const auto& asset : assets) {
    routes.add("GET", folder + std::string(asset.name), constant(static_response(asset)));
    if (asset.name == index_name)
      routes.add("GET", folder, constant(static_response(asset)));
  }
  http_response redirect{308, "text/plain; charset=utf-8", "Moved to " + folder + "\n", {}};
  redirect.headers.emplace_back("Location", folder);
  routes.add("GET", prefix, constant(std::move(redirect)));
}

} // namespace verity::net
