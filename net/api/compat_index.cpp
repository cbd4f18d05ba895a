#include "net/api/compat_index.hpp"

namespace verity::net {

compat_index::compat_index(std::size_t capacity, std::chrono::milliseconds ttl)
  : messages_(capacity, ttl) {
}

void compat_index::remember(const verification_view& view, clock::time_point now) {
  const auto& id = view.verification.id;
  std::lock_guard lock{mutex_};
  for (const auto& attempt : view.attempts) {
    messages_.put(attempt.id.to_string(), id, now);
    if (!attempt.twilio_sid.empty())
      messages_.put(attempt.twilio_sid, id, now);
  }
}

std::optional<verification_id> compat_index::by_message(const std::string& sid_or_id,
                                                        clock::time_point now) {
  std::lock_guard lock{mutex_};
  auto* found = messages_.find(sid_or_id, now);
  return found ? std::optional{*found} : std::nullopt;
}

} // namespace verity::net
