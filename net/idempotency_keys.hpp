#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "net/engine_client.hpp"
#include "net/http_message.hpp"
#include "net/idempotency_store.hpp"

namespace verity::net {

/// Idempotency keys of API v1, kept for `ttl` (24 h in production) across restarts: the
/// in-memory `idempotency_store` answers what this process has seen; a key it does not hold is
/// looked up in storage (the `idempotency` column family) before the request may proceed, and
/// every answer is stored durably before the client gets it. Storage is reached through the
/// engine client (the storage actor), so no Asio thread or CAF worker ever waits on disk.
/// Thread-safe; `decided` and `done` run on CAF worker threads or, when memory decides, at once.
/// Pending storage requests refer to the object: it must outlive them (API v1's shared route
/// state holds it, and every callback the routes pass holds that state).
class idempotency_keys {
public:
  using claim_callback = std::function<void(engine_result<idempotency_claim>)>;

  /// Keys of at most `capacity` in memory, each kept for `ttl`, stored through `engine`.
  idempotency_keys(std::shared_ptr<engine_client> engine, std::size_t capacity,
                   std::chrono::milliseconds ttl);

  /// Claims `key` for a request whose body has `fingerprint` and calls `decided` once. A
  /// storage failure releases the key again and comes back as the failure.
  void claim(const std::string& key, const std::string& fingerprint, claim_callback decided);

  /// Stores `answer` to the claimed `key`, in memory at once and durably; calls `done` once it
  /// is durable, or once storing failed (logged: the answer is kept in memory only).
  void complete(const std::string& key, const std::string& fingerprint,
                const http_response& answer, std::function<void()> done);

  /// Forgets a claimed key whose request failed.
  void release(const std::string& key);

private:
  /// Decides a claim that memory let proceed from what storage holds under `key`.
  void decide_from_storage(const std::string& key, const std::string& fingerprint,
                           std::optional<idempotency_record> stored, claim_callback decided);

  std::shared_ptr<engine_client> engine_;
  std::chrono::milliseconds ttl_;
  idempotency_store memory_;
};

} // namespace verity::net
