#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

#include "engine/expiring_map.hpp"
#include "net/http/message.hpp"

namespace verity::net {

/// What to do with a request that carries an Idempotency-Key.
enum class idempotency_outcome {
  proceed,     ///< First use: the caller answers, then calls `complete` or `release`.
  replay,      ///< Seen with the same body: answer the stored response.
  conflict,    ///< Seen with another body: 409.
  in_progress, ///< The first request with this key and body is still being answered: 409.
};

/// The store's decision, with the stored answer for `replay`.
struct idempotency_claim {
  idempotency_outcome outcome = idempotency_outcome::proceed;
  http_response stored;
};

/// Idempotency keys of API v1 and the answers given to them, in memory: bounded (the oldest key
/// is dropped first) and kept for a fixed time (24 h in production). Only successful answers
/// are stored; a failed request releases its key so that the client can try again. It is the
/// fast, in-process half of `idempotency_keys`, which keeps the answers durable too.
/// Thread-safe.
class idempotency_store {
public:
  using clock = std::chrono::steady_clock;

  /// A store of at most `capacity` keys, each kept for `ttl`.
  idempotency_store(std::size_t capacity, std::chrono::milliseconds ttl);

  /// Claims `key` for a request whose body has `fingerprint`.
  idempotency_claim claim(const std::string& key, const std::string& fingerprint,
                          clock::time_point now);

  /// Stores the answer to a claimed key: later claims with the same fingerprint replay it.
  void complete(const std::string& key, const http_response& answer, clock::time_point now);

  /// Holds `answer` to a request with `fingerprint` under `key` (a stored answer found after a
  /// restart), as if written at `written`, so that it expires when the stored one does.
  void restore(const std::string& key, const std::string& fingerprint,
               const http_response& answer, clock::time_point written);

  /// Forgets a claimed key whose request failed.
  void release(const std::string& key);

private:
  struct entry {
    std::string fingerprint;
    std::optional<http_response> answer; ///< Empty while the first request is in progress.
  };

  std::mutex mutex_;
  expiring_map<std::string, entry> entries_;
};

} // namespace verity::net
