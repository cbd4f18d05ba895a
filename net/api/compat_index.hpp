#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

#include "engine/expiring_map.hpp"
#include "engine/verification.hpp"

namespace verity::net {

/// What the compatibility API remembers between calls, since its clients name phones and
/// Twilio SIDs rather than verification ids: the latest verification of each phone (for
/// verify-code) and the verification of each message, by Twilio SID and by message id (for
/// delivery-status). In memory, bounded, kept for the code's lifetime, as the seed app kept
/// it; a restart forgets it (delivery-status then finds the message in storage; verify-code
/// by phone does not yet). Thread-safe.
class compat_index {
public:
  using clock = std::chrono::steady_clock;

  /// An index of at most `capacity` phones and as many messages, kept for `ttl`.
  compat_index(std::size_t capacity, std::chrono::milliseconds ttl);

  /// Remembers `view` as its phone's latest verification, and each of its messages.
  void remember(const verification_view& view, clock::time_point now);

  /// The latest verification sent to `e164`.
  std::optional<verification_id> by_phone(const std::string& e164, clock::time_point now);

  /// The verification of a message named by its Twilio SID or its message id.
  std::optional<verification_id> by_message(const std::string& sid_or_id, clock::time_point now);

private:
  std::mutex mutex_;
  expiring_map<std::string, verification_id> phones_;
  expiring_map<std::string, verification_id> messages_;
};

} // namespace verity::net
