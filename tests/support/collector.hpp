#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

namespace verity::test {

/// Collects values that completions deliver on another thread, for a test to wait on.
template <class T>
class collector {
public:
  /// A completion that stores its argument and wakes waiters.
  std::function<void(T)> add() {
    return [this](T value) {
      {
        std::lock_guard lock{mutex_};
        received_.push_back(std::move(value));
      }
      changed_.notify_all();
    };
  }

  /// Waits until `count` values arrived or `timeout` passed; returns what arrived.
  std::vector<T> wait_for(std::size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock lock{mutex_};
    changed_.wait_for(lock, timeout, [&] { return received_.size() >= count; });
    return received_;
  }

private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<T> received_;
};

} // namespace verity::test
