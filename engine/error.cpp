#include "engine/error.hpp"

namespace verity {

std::string_view to_string(ec code) {
  switch (code) {
    case ec::none:
      return "none";
    case ec::not_found:
      return "not_found";
    case ec::opted_out:
      return "opted_out";
    case ec::rate_limited:
      return "rate_limited";
    case ec::max_attempts_reached:
      return "max_attempts_reached";
    case ec::overloaded:
      return "overloaded";
    case ec::storage_failed:
      return "storage_failed";
    case ec::invalid_request:
      return "invalid_request";
  }
  return "internal";
}

} // namespace verity
