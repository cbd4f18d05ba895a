#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/verification.hpp"

namespace verity::net {

/// How fast one sender may send: a token bucket.
struct pace {
  double per_second = 80; ///< Sustained rate (WhatsApp's default per sender); more than 0.
  double burst = 80;      ///< Messages that may start at once after a quiet spell; at least 1.
};

/// The limits egress keeps.
struct egress_limits {
  pace default_pace;                  ///< For senders without an entry in `paces`.
  std::map<std::string, pace> paces = ///< By sender (see request.hpp's sender_of).
    {{"whatsapp:+14155238886", pace{1.0 / 3.0, 1}}};
  std::size_t max_in_flight = 64;     ///< Create requests on the wire at once.
  std::size_t max_queued = 10'000;    ///< Requests waiting; more are refused.
};

/// Decides which waiting requests may start: a token bucket per sender, a cap on requests in
/// flight, a bounded queue. Senders take turns, so a slow sender never holds up the others.
/// Pure logic on a given clock; not thread-safe (the client uses it on one strand).
class egress_pacer {
public:
  /// The clock pacing runs on.
  using clock = std::chrono::steady_clock;

  /// Starts with full buckets and nothing queued.
  explicit egress_pacer(egress_limits limits);

  /// Queues request `request` for `sender` at `now`. Returns false (queuing nothing) when the
  /// queue already holds `max_queued` requests.
  bool enqueue(const std::string& sender, std::uint64_t request, clock::time_point now);

  /// The requests that may start at `now`, oldest first per sender, senders taking turns; each
  /// one returned counts as in flight until `finished` is called for it.
  std::vector<std::uint64_t> take_ready(clock::time_point now);

  /// Takes request `request` out of the queue at `now`, if it still waits there: answers what
  /// holds it back (its sender's bucket is empty, or the in-flight cap is reached), nothing
  /// when it is not queued (started, or unknown).
  std::optional<not_sent_reason> withdraw(std::uint64_t request, clock::time_point now);

  /// One request in flight finished.
  void finished();

  /// When a queued request will next be allowed by its sender's pace; nothing when none waits
  /// or only the in-flight cap holds them back (a `finished` call unblocks those).
  std::optional<clock::time_point> next_ready(clock::time_point now);

  /// Requests waiting.
  std::size_t queued() const { return queued_; }

  /// Requests started and not finished.
  std::size_t in_flight() const { return in_flight_; }

private:
  /// One sender's bucket and queue.
  struct sender_state {
    pace rate;
    double tokens = 0;
    clock::time_point refilled;
    std::deque<std::uint64_t> waiting;

    /// Adds the tokens earned since the last refill, up to the burst.
    void refill(clock::time_point now);
  };

  sender_state& state_of(const std::string& sender, clock::time_point now);

  egress_limits limits_;
  std::map<std::string, sender_state> senders_;
  std::size_t queued_ = 0;
  std::size_t in_flight_ = 0;
};

} // namespace verity::net
