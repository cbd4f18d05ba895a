#include "net/api/idempotency_store.hpp"

namespace verity::net {

idempotency_store::idempotency_store(std::size_t capacity, std::chrono::milliseconds ttl)
  : entries_(capacity, ttl) {
}

idempotency_claim idempotency_store::claim(const std::string& key,
                                           const std::string& fingerprint,
                                           clock::time_point now) {
  std::lock_guard lock{mutex_};
  auto* existing = entries_.find(key, now);
  if (existing == nullptr) {
    entries_.put(key, {fingerprint, std::nullopt}, now);
    return {idempotency_outcome::proceed, {}};
  }
  if (existing->fingerprint != fingerprint)
    return {idempotency_outcome::conflict, {}};
  if (!existing->answer)
    return {idempotency_outcome::in_progress, {}};
  return {idempotency_outcome::replay, *existing->answer};
}

void idempotency_store::complete(const std::string& key, const http_response& answer,
                                 clock::time_point now) {
  std::lock_guard lock{mutex_};
  auto* existing = entries_.find(key, now);
  if (existing != nullptr)
    existing->answer = answer;
}

void idempotency_store::restore(const std::string& key, const std::string& fingerprint,
                                const http_response& answer, clock::time_point written) {
  std::lock_guard lock{mutex_};
  entries_.put(key, {fingerprint, answer}, written);
}

void idempotency_store::release(const std::string& key) {
  std::lock_guard lock{mutex_};
  entries_.erase(key);
}

} // namespace verity::net
