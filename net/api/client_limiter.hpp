#pragma once

#include <chrono>
#include <mutex>
#include <string>

#include "engine/rate_limit.hpp"
#include "engine/units.hpp"

namespace verity::net {

/// A per-client-address request limit (VERITY_IP_LIMIT) shared by the I/O threads: a
/// keyed_rate_limiter behind a mutex, purged of idle addresses once per window so that memory
/// follows the active clients. Thread-safe.
class client_limiter {
public:
  using clock = std::chrono::steady_clock;

  /// Limits each address to `limit.count` requests per `limit.window`.
  explicit client_limiter(rate_limit limit);

  /// Counts one request from `address` if it fits, else says how long to wait.
  rate_decision try_acquire(const std::string& address, clock::time_point now);

private:
  std::mutex mutex_;
  keyed_rate_limiter<std::string> limiter_;
  std::chrono::milliseconds window_;
  clock::time_point next_purge_;
};

} // namespace verity::net
