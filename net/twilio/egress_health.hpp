#pragma once

// What the latest answers from Twilio say about the way there, for readiness probes.

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "actors/messages.hpp"

namespace verity::net {

/// Keeps the outcome of the latest create request that went on the wire, so that `/readyz` can
/// say whether Twilio is reachable without calling it. A failure (no HTTP answer, credentials
/// refused, a 5xx) counts for `memory` after it happened: then, with no newer request to say
/// otherwise, the way is assumed clear again (so an instance taken out of traffic comes back
/// and retries). Thread-safe; each call holds a small lock for a few instructions.
class egress_health {
public:
  using clock = std::chrono::steady_clock;

  /// Tracks outcomes, remembering a failure for `memory`.
  explicit egress_health(std::chrono::milliseconds memory = std::chrono::seconds{30});

  /// Records Twilio's answer to one request (or the transport failure standing for it).
  void record(const create_result& result, clock::time_point now);

  /// Why the egress is failing, or nullopt when it is healthy.
  std::optional<std::string> problem(clock::time_point now) const;

private:
  std::chrono::milliseconds memory_;
  mutable std::mutex mutex_;
  std::optional<std::string> failure_; ///< Guarded: the latest outcome's failure, if it failed.
  clock::time_point failed_at_{};      ///< Guarded.
};

/// The failure `result` stands for, as /readyz reports it, or nullopt when Twilio answered
/// (a refused message, e.g. an invalid number, still proves the way is clear).
std::optional<std::string> egress_failure(const create_result& result);

} // namespace verity::net
