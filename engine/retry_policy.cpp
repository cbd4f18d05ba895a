#include "engine/retry_policy.hpp"

#include <algorithm>
#include <cmath>

namespace verity {

std::chrono::milliseconds retry_policy::ceiling(unsigned retry) const {
  auto ceiling = base;
  for (unsigned i = 0; i < retry && ceiling < cap; ++i)
    ceiling *= 2;
  return std::min(ceiling, cap);
}

std::chrono::milliseconds retry_policy::delay(unsigned retry, double unit_random) const {
  auto unit = std::clamp(unit_random, 0.0, 1.0);
  auto jittered = std::floor(static_cast<double>(ceiling(retry).count()) * unit);
  return std::chrono::milliseconds{static_cast<std::chrono::milliseconds::rep>(jittered)};
}

std::optional<std::chrono::milliseconds>
retry_policy::next_delay(unsigned retry, std::chrono::milliseconds remaining, double unit_random,
                         std::chrono::milliseconds at_least) const {
  auto wait = std::max(delay(retry, unit_random), at_least);
  if (wait >= remaining)
    return std::nullopt;
  return wait;
}

} // namespace verity
