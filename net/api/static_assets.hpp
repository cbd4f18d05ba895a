#pragma once

#include <span>
#include <string_view>

namespace verity::net {

/// One file compiled into the binary (see cmake/embed_files.cmake).
struct static_asset {
  std::string_view name;  ///< The file name, e.g. "index.html".
  std::string_view bytes; ///< Its content, exactly as on disk.
};

/// The demo page's files (web/demo/), embedded at build time.
std::span<const static_asset> demo_assets();

/// The API's OpenAPI document (docs/openapi.json, one file), embedded at build time.
std::span<const static_asset> openapi_assets();

} // namespace verity::net
