#include "net/twilio/egress_health.hpp"

namespace verity::net {

egress_health::egress_health(std::chrono::milliseconds memory) : memory_(memory) {}

void egress_health::record(const create_result& result, clock::time_point now) {
  auto failure = egress_failure(result);
  std::lock_guard lock{mutex_};
  failure_ = std::move(failure);
  failed_at_ = now;
}

std::optional<std::string> egress_health::problem(clock::time_point now) const {
  std::lock_guard lock{mutex_};
  if (!failure_ || now - failed_at_ >= memory_)
    return std::nullopt;
  return failure_;
}

std::optional<std::string> egress_failure(const create_result& result) {
  if (result.http_status == 0)
    return "Twilio unreachable: " + result.error_message;
  if (result.http_status == 401 || result.http_status == 403)
    return "Twilio refused the credentials (HTTP " + std::to_string(result.http_status) + ")";
  if (result.http_status >= 500)
    return "Twilio answered HTTP " + std::to_string(result.http_status);
  return std::nullopt;
}

} // namespace verity::net
