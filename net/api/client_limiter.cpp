#include "net/api/client_limiter.hpp"

namespace verity::net {

client_limiter::client_limiter(rate_limit limit)
  : limiter_(limit.count, limit.window), window_(limit.window), next_purge_(clock::now()) {
}

rate_decision client_limiter::try_acquire(const std::string& address, clock::time_point now) {
  std::lock_guard lock{mutex_};
  if (now >= next_purge_) {
    limiter_.purge(now);
    next_purge_ = now + window_;
  }
  return limiter_.try_acquire(address, now);
}

} // namespace verity::net
