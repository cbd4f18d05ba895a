#include "engine/send_guard.hpp"

#include <algorithm>

#include "engine/phone.hpp"

namespace verity {

using std::chrono::milliseconds;

std::string_view to_string(send_refusal refusal) {
  switch (refusal) {
    case send_refusal::none: return "none";
    case send_refusal::prefix_breaker: return "prefix_breaker";
    case send_refusal::prefix_limit: return "prefix_limit";
    case send_refusal::country_limit: return "country_limit";
  }
  return "none";
}

send_guard::send_guard(const send_guard_limits& limits)
  : cooldown_(limits.cooldown),
    prefixes_(limits.prefix.count, limits.prefix.window),
    countries_(limits.country.count, limits.country.window) {
}

send_verdict send_guard::try_acquire(std::string_view e164, clock::time_point now) {
  auto prefix = number_prefix(e164);
  if (auto left = breaker_time_left(prefix, now); left > milliseconds{0})
    return {send_refusal::prefix_breaker, left};
  if (!prefixes_.try_acquire(prefix, now).allowed) {
    open_until_[prefix] = now + cooldown_;
    return {send_refusal::prefix_limit, cooldown_};
  }
  auto country = countries_.try_acquire(country_prefix(e164), now);
  if (!country.allowed)
    return {send_refusal::country_limit, country.retry_after};
  return {};
}

void send_guard::purge(clock::time_point now) {
  prefixes_.purge(now);
  countries_.purge(now);
  std::erase_if(open_until_, [now](const auto& entry) { return entry.second <= now; });
}

std::size_t send_guard::open_breakers(clock::time_point now) const {
  return static_cast<std::size_t>(std::count_if(
    open_until_.begin(), open_until_.end(), [now](const auto& entry) { return entry.second > now; }));
}

milliseconds send_guard::breaker_time_left(const std::string& prefix,
                                           clock::time_point now) const {
  auto open = open_until_.find(prefix);
  if (open == open_until_.end() || open->second <= now)
    return milliseconds{0};
  return std::chrono::ceil<milliseconds>(open->second - now);
}

} // namespace verity
