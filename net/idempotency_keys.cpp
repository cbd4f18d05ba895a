#include "net/idempotency_keys.hpp"

#include <spdlog/spdlog.h>

#include "engine/clock.hpp"

namespace verity::net {

namespace {

using steady = std::chrono::steady_clock;

/// The answer a stored record holds.
http_response response_of(const idempotency_record& record) {
  return {record.status, record.content_type, record.body, record.headers};
}

} // namespace

idempotency_record stored_answer(const std::string& key, const std::string& fingerprint,
                                 const http_response& answer) {
  return {key,
          fingerprint,
          wall_clock_now(),
          static_cast<std::uint16_t>(answer.status),
          answer.content_type,
          answer.body,
          answer.headers};
}

idempotency_keys::idempotency_keys(std::shared_ptr<engine_client> engine, std::size_t capacity,
                                   std::chrono::milliseconds ttl)
  : engine_(std::move(engine)), ttl_(ttl), memory_(capacity, ttl) {
}

void idempotency_keys::claim(const std::string& key, const std::string& fingerprint,
                             claim_callback decided) {
  auto claim = memory_.claim(key, fingerprint, steady::now());
  if (claim.outcome != idempotency_outcome::proceed)
    return decided(std::move(claim));
  // The key is held in memory as in progress meanwhile: a concurrent retry gets 409.
  engine_->find_answer(key, [this, key, fingerprint, decided = std::move(decided)](
                              engine_result<std::optional<idempotency_record>> stored) {
    if (!stored) {
      memory_.release(key);
      return decided(tl::make_unexpected(stored.error()));
    }
    decide_from_storage(key, fingerprint, std::move(*stored), decided);
  });
}

void idempotency_keys::decide_from_storage(const std::string& key,
                                           const std::string& fingerprint,
                                           std::optional<idempotency_record> stored,
                                           claim_callback decided) {
  auto age = stored ? wall_clock_now() - stored->created_at : ttl_;
  if (age >= ttl_) // none, or expired: retention deletes it, the new answer replaces it
    return decided(idempotency_claim{idempotency_outcome::proceed, {}});
  auto answer = response_of(*stored);
  memory_.restore(key, stored->fingerprint, answer, steady::now() - age);
  if (stored->fingerprint != fingerprint)
    return decided(idempotency_claim{idempotency_outcome::conflict, {}});
  decided(idempotency_claim{idempotency_outcome::replay, std::move(answer)});
}

void idempotency_keys::complete(const std::string& key, const http_response& answer) {
  memory_.complete(key, answer, steady::now());
}

void idempotency_keys::release(const std::string& key) {
  memory_.release(key);
}

} // namespace verity::net
