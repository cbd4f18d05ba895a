#pragma once

#include <chrono>
#include <cstddef>

namespace verity::net {

/// Limits of the HTTP layer towards the engine (defaults suit production).
struct api_limits {
  /// Actor requests open at once (VERITY_MAX_IN_FLIGHT); above it requests get 503
  /// `overloaded` at once.
  std::size_t max_in_flight = 10'000;
  /// An actor's time to answer, on top of a long poll's wait; then 503 `overloaded`.
  std::chrono::milliseconds request_timeout{10'000};
  /// The longest long poll (`?wait=`) a client may ask for.
  std::chrono::milliseconds max_wait{30'000};
  /// How long send-verification waits for Twilio's create response before answering.
  std::chrono::milliseconds compat_send_wait{10'000};
  /// Idempotency keys held in memory (oldest dropped first) and how long each is honoured; the
  /// answers are also stored durably (the `idempotency` column family), so a restart keeps them.
  std::size_t idempotency_capacity = 100'000;
  std::chrono::milliseconds idempotency_ttl{24 * 3'600'000};
  /// Phones and message SIDs the compatibility API remembers (for verify-code and
  /// delivery-status), kept for the code's lifetime.
  std::size_t compat_index_capacity = 100'000;
};

} // namespace verity::net
