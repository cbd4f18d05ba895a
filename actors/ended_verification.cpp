#include "actors/ended_verification.hpp"

namespace verity {

ec check_error_after_end(verification_status status) {
  return status == verification_status::max_attempts_reached ? ec::max_attempts_reached
                                                             : ec::not_found;
}

ec cancel_error(verification_status status) {
  switch (status) {
    case verification_status::pending:
    case verification_status::canceled:
      return ec::none;
    default:
      return ec::invalid_request;
  }
}

} // namespace verity
