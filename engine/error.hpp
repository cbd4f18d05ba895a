#pragma once

#include <cstdint>
#include <string_view>

namespace verity {

/// The engine's error codes, carried across actors as `caf::error` and mapped to the API's
/// error bodies at the HTTP edge. Never reorder: 0 means no error.
enum class ec : std::uint8_t {
  none = 0,
  not_found,            ///< No such verification or message (or no longer checkable).
  opted_out,            ///< The phone sent STOP.
  rate_limited,         ///< A send limit was hit; the context carries retry-after milliseconds.
  max_attempts_reached, ///< Too many wrong checks.
  overloaded,           ///< A queue is full; try again later.
  storage_failed,       ///< A durable write or read failed.
  invalid_request,      ///< The request is not valid for the current state.
};

/// The snake_case name of a code, as the API's error bodies show it.
std::string_view to_string(ec code);

} // namespace verity
