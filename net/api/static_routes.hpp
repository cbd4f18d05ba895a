#pragma once

#include <span>
#include <string_view>

#include "net/api/static_assets.hpp"
#include "net/http/message.hpp"

namespace verity::net {

class router;

/// The Content-Security-Policy of the static pages: their own scripts, styles, images and
/// fetches only; no inline code, frames, plugins, base or form targets elsewhere.
inline constexpr std::string_view static_csp =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
  "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The Content-Type of a file by its extension ("application/octet-stream" when unknown).
std::string_view content_type_for(std::string_view name);

/// The answer serving `asset`: its type, `Cache-Control: no-cache` (revalidate, since a new
/// build changes the files under the same names), the CSP, `nosniff` and no referrer.
http_response static_response(const static_asset& asset);

/// Serves `assets` under `prefix` (such as "/demo"): GET prefix/NAME for each file, prefix/
/// as index.html, and prefix alone redirected (308) to prefix/.
void add_static_routes(router& routes, std::string_view prefix,
                       std::span<const static_asset> assets);

} // namespace verity::net
