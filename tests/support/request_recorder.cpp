#include "tests/support/request_recorder.hpp"

namespace verity::test {

void request_recorder::record(const net::http_request& request) {
  {
    std::lock_guard lock{mutex_};
    requests_.push_back(request);
    arrivals_.push_back(std::chrono::steady_clock::now());
  }
  arrived_.notify_all();
}

std::vector<net::http_request> request_recorder::wait_for(std::size_t count,
                                                          std::chrono::milliseconds timeout) {
  std::unique_lock lock{mutex_};
  arrived_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
  return requests_;
}

std::vector<net::http_request> request_recorder::received() const {
  std::lock_guard lock{mutex_};
  return requests_;
}

std::vector<std::chrono::steady_clock::time_point> request_recorder::arrival_times() const {
  std::lock_guard lock{mutex_};
  return arrivals_;
}

} // namespace verity::test
