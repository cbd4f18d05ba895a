#include "net/api/idempotency_keys.hpp"

#include <spdlog/spdlog.h>

#include "engine/clock.hpp"

namespace verity::net {

namespace {

using steady = std::chrono::steady_clock;

} // namespace

idempotency_keys::idempotency_keys(std::shared_ptr<actor_gateway> engine, std::size_t capacity,
                                   std::chrono::milliseconds ttl, renderer render)
  : engine_(std::move(engine)), ttl_(ttl), render_(std::move(render)), memory_(capacity, ttl) {
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
  auto age = stored ? std::chrono::duration_cast<std::chrono::milliseconds>(
                        wall_clock_now() - stored->created_at)
                    : ttl_;
  if (age >= ttl_) // none, or expired: retention deletes it, the new answer replaces it
    return decided(idempotency_claim{idempotency_outcome::proceed, {}});
  if (stored->fingerprint != fingerprint) {
    memory_.release(key);
    return decided(idempotency_claim{idempotency_outcome::conflict, {}});
  }
  replay_from_storage(key, *stored, age, std::move(decided));
}

void idempotency_keys::replay_from_storage(const std::string& key,
                                           const idempotency_record& stored,
                                           std::chrono::milliseconds age,
                                           claim_callback decided) {
  verification_query query{stored.verification, std::chrono::milliseconds{0}, std::nullopt};
  engine_->get(query, [this, key, fingerprint = stored.fingerprint, age,
                       decided = std::move(decided)](engine_result<verification_view> view) {
    if (!view) {
      memory_.release(key);
      return decided(tl::make_unexpected(view.error()));
    }
    auto answer = render_(as_created(std::move(*view)));
    memory_.restore(key, fingerprint, answer, steady::now() - age);
    decided(idempotency_claim{idempotency_outcome::replay, std::move(answer)});
  });
}

void idempotency_keys::complete(const std::string& key, const http_response& answer) {
  memory_.complete(key, answer, steady::now());
}

void idempotency_keys::release(const std::string& key) {
  memory_.release(key);
}

} // namespace verity::net
