#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <vector>

#include "net/http/message.hpp"

namespace verity::test {

/// Keeps the requests a test server received, so the test can wait for them. Thread-safe.
class request_recorder {
public:
  /// Keeps `request`.
  void record(const net::http_request& request);

  /// Waits until at least `count` requests arrived or `timeout` passed; returns a copy of
  /// those received so far.
  std::vector<net::http_request> wait_for(std::size_t count, std::chrono::milliseconds timeout);

  /// A copy of the requests received so far.
  std::vector<net::http_request> received() const;

  /// When each request arrived, in arrival order.
  std::vector<std::chrono::steady_clock::time_point> arrival_times() const;

private:
  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<net::http_request> requests_;
  std::vector<std::chrono::steady_clock::time_point> arrivals_;
};

} // namespace verity::test
