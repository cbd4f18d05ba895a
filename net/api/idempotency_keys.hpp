#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "net/api/actor_gateway.hpp"
#include "net/api/idempotency_store.hpp"
#include "net/http/message.hpp"

namespace verity::net {

/// Idempotency keys of API v1, kept for `ttl` (24 h in production) across restarts: the
/// in-memory `idempotency_store` answers what this process has seen; a key it does not hold is
/// looked up in storage (the `idempotency` column family) before the request may proceed. The
/// engine stores each key durably in the same write as the verification it starts, before the
/// client gets the answer; a key found in storage is answered by rendering that verification
/// as it was created (`as_created`), so the retry gets the first answer again. Storage and the
/// verification are reached through the engine client, so no Asio thread or CAF worker ever
/// waits on disk.
/// Thread-safe; `decided` and `done` run on CAF worker threads or, when memory decides, at once.
/// Pending storage requests refer to the object: it must outlive them (API v1's shared route
/// state holds it, and every callback the routes pass holds that state).
class idempotency_keys {
public:
  using claim_callback = std::function<void(engine_result<idempotency_claim>)>;

  /// Renders the answer to the start of a verification.
  using renderer = std::function<http_response(const verification_view&)>;

  /// Keys of at most `capacity` in memory, each kept for `ttl`, stored through `engine`; a key
  /// found in storage is answered with `render` of its verification as created.
  idempotency_keys(std::shared_ptr<actor_gateway> engine, std::size_t capacity,
                   std::chrono::milliseconds ttl, renderer render);

  /// Claims `key` for a request whose body has `fingerprint` and calls `decided` once. A
  /// storage failure releases the key again and comes back as the failure.
  void claim(const std::string& key, const std::string& fingerprint, claim_callback decided);

  /// Keeps `answer` to the claimed `key` in memory for later claims. The engine stored the
  /// key durably already, in the same write as the verification it started (see
  /// verification_request::idempotency_key).
  void complete(const std::string& key, const http_response& answer);

  /// Forgets a claimed key whose request failed.
  void release(const std::string& key);

private:
  /// Decides a claim that memory let proceed from what storage holds under `key`.
  void decide_from_storage(const std::string& key, const std::string& fingerprint,
                           std::optional<idempotency_record> stored, claim_callback decided);

  /// Replays the start of `stored`'s verification: reads it, renders it as created and keeps
  /// that answer in memory as if given `age` ago.
  void replay_from_storage(const std::string& key, const idempotency_record& stored,
                           std::chrono::milliseconds age, claim_callback decided);

  std::shared_ptr<actor_gateway> engine_;
  std::chrono::milliseconds ttl_;
  renderer render_;
  idempotency_store memory_;
};

} // namespace verity::net
