#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

#include "engine/expiring_map.hpp"
#include "engine/verification.hpp"

namespace verity::net {

/// What the compatibility API remembers between calls, since its clients name Twilio SIDs
/// rather than verification ids: the verification of each message, by Twilio SID and by
/// message id, for delivery-status. A cache in memory, bounded, kept for the code's lifetime:
/// what it does not hold (evicted, or sent before a restart) is found in storage. (verify-code
/// names a phone: the phone actor knows its latest verification, durably.) Thread-safe.
class compat_index {
public:
  using clock = std::chrono::steady_clock;

  /// An index of at most `capacity` messages, kept for `ttl`.
  compat_index(std::size_t capacity, std::chrono::milliseconds ttl);

  /// Remembers each message of `view`.
  void remember(const verification_view& view, clock::time_point now);

  /// The verification of a message named by its Twilio SID or its message id.
  std::optional<verification_id> by_message(const std::string& sid_or_id, clock::time_point now);

private:
  std::mutex mutex_;
  expiring_map<std::string, verification_id> messages_;
};

} // namespace verity::net
