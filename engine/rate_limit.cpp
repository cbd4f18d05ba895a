#include "engine/rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace verity {

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

/// Fraction of `window` that has elapsed since `start` at `now`, in [0, 1].
double elapsed_fraction(sliding_window_counter::clock::time_point start,
                        sliding_window_counter::clock::time_point now, milliseconds window) {
  auto elapsed = std::chrono::duration<double, std::milli>(now - start).count();
  return std::clamp(elapsed / static_cast<double>(window.count()), 0.0, 1.0);
}

milliseconds ceil_ms(double ms) {
  return milliseconds{std::max<milliseconds::rep>(1, static_cast<milliseconds::rep>(std::ceil(ms)))};
}

} // namespace

sliding_window_counter::sliding_window_counter(std::uint32_t limit, milliseconds window)
  : limit_(limit), window_(std::max(window, milliseconds{1})) {
}

void sliding_window_counter::roll(clock::time_point now) {
  if (now < window_start_ + window_)
    return;
  auto windows_passed = (now - window_start_) / window_;
  previous_count_ = windows_passed == 1 ? current_count_ : 0;
  current_count_ = 0;
  window_start_ += window_ * windows_passed;
}

sliding_window_counter sliding_window_counter::rolled(clock::time_point now) const {
  auto copy = *this;
  copy.roll(now);
  return copy;
}

double sliding_window_counter::estimate(clock::time_point now) const {
  auto view = rolled(now);
  auto weight = 1.0 - elapsed_fraction(view.window_start_, now, window_);
  return static_cast<double>(view.previous_count_) * weight
         + static_cast<double>(view.current_count_);
}

rate_decision sliding_window_counter::try_acquire(clock::time_point now) {
  roll(now);
  if (estimate(now) + 1.0 <= static_cast<double>(limit_)) {
    ++current_count_;
    return {true, milliseconds{0}};
  }
  return {false, time_until_free(now)};
}

bool sliding_window_counter::idle(clock::time_point now) const {
  return estimate(now) == 0.0;
}

milliseconds sliding_window_counter::time_until_free(clock::time_point now) const {
  auto window_ms = static_cast<double>(window_.count());
  auto limit = static_cast<double>(limit_);
  auto to_window_end =
    std::chrono::duration<double, std::milli>(window_start_ + window_ - now).count();
  if (limit_ == 0)
    return ceil_ms(to_window_end);
  auto current = static_cast<double>(current_count_);
  if (current + 1.0 > limit) {
    // Wait for the next window, then for this window's count to fade below limit - 1.
    auto fade = window_ms * (1.0 - (limit - 1.0) / current);
    return ceil_ms(to_window_end + fade);
  }
  // The previous window's share must fade until previous * weight + current + 1 <= limit.
  auto previous = static_cast<double>(previous_count_);
  auto needed_weight = (limit - 1.0 - current) / previous;
  auto elapsed = window_ms - to_window_end;
  return ceil_ms(window_ms * (1.0 - needed_weight) - elapsed);
}

} // namespace verity
