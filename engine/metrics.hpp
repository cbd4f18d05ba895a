#pragma once

// The events Verity counts, as the code that sees them reports them: an interface, so that the
// domain, the actors, the routes and storage record without knowing the registry behind it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/channel_choice.hpp"
#include "engine/delivery_status.hpp"
#include "engine/verification.hpp"

namespace verity {

/// The kinds of actor counted by `verity_live_actors{kind}`.
enum class actor_kind : std::uint8_t { phone, message };

/// What became of a status callback, for `verity_callbacks_total{result}`.
enum class callback_result : std::uint8_t { accepted, duplicate, stale, bad_signature };

/// Why a create request is retried, for `verity_retries_total{class}`.
enum class retry_class : std::uint8_t {
  transport, ///< No HTTP answer (connect failure, timeout).
  throttled, ///< Twilio asked to slow down (429, queue full, rate limit codes).
  server,    ///< Twilio answered 5xx.
};

/// The metrics Verity keeps (see ARCHITECTURE.md, "Observability"). One implementation is
/// created in main (app/ holds the registry) and shared by pointer; a null pointer records
/// nothing (tests, benchmarks). Every method is thread-safe, and every event is cheap enough to
/// record once per message or request.
class metrics {
public:
  /// The series of one route pattern: requests by status code and their duration.
  class route_series {
  public:
    virtual ~route_series() = default;

    /// Counts one answer with `status` that took `elapsed`.
    virtual void record(int status, std::chrono::steady_clock::duration elapsed) const = 0;

  protected:
    route_series() = default;
    route_series(const route_series&) = default;
    route_series& operator=(const route_series&) = default;
  };

  virtual ~metrics() = default;

  metrics(const metrics&) = delete;
  metrics& operator=(const metrics&) = delete;

  /// A verification was started (its first message is durable).
  virtual void verification_started() = 0;

  /// A verification ended with `outcome` (approved, expired, ...); `pending` is ignored.
  virtual void verification_finished(verification_status outcome) = 0;

  /// Twilio accepted a message over `via`.
  virtual void message_sent(channel via) = 0;

  /// A message's delivery state changed from `before` to `after`: counts the status transition
  /// and observes the time from `created` to the first `delivered` or `read`.
  virtual void delivery_changed(channel via, const delivery_state& before,
                                const delivery_state& after) = 0;

  /// A message over `via` reached its delivery deadline unconfirmed.
  virtual void deadline_expired(channel via) = 0;

  /// A message over `via` reached its delivery deadline still waiting in Verity's own egress
  /// queue, held back by `reason` (never `none`): it was withdrawn and never sent. Counted on
  /// top of `deadline_expired`.
  virtual void not_sent(channel via, not_sent_reason reason) = 0;

  /// A verification fell back to SMS after a WhatsApp message ended in `reason` (a failure).
  virtual void fallback(delivery_status reason) = 0;

  /// A verification's first channel was chosen: `via`, because of `reason`.
  virtual void channel_chosen(channel via, channel_reason reason) = 0;

  /// The WhatsApp record of `country` (a calling code such as "+44", at most one per country
  /// code in use) over the channel-choice window changed to `stats`.
  virtual void country_whatsapp(const std::string& country,
                                const country_whatsapp_stats& stats) = 0;

  /// A create request is retried.
  virtual void retry(retry_class kind) = 0;

  /// Twilio answered a create request (or did not: `http_status` 0) after `elapsed`: counted
  /// as created, throttled (429), refused (another status) or unreachable. `twilio_code` is
  /// Twilio's error code, 0 when none.
  virtual void twilio_request(bool created, int http_status, std::uint32_t twilio_code,
                              std::chrono::steady_clock::duration elapsed) = 0;

  /// Twilio reported error `twilio_code` (a create answer or a status callback); 0 is ignored.
  virtual void twilio_error(std::uint32_t twilio_code) = 0;

  /// A status callback was handled with `result`.
  virtual void callback(callback_result result) = 0;

  /// Egress now has `in_flight` create requests on the wire and `queued` waiting their turn.
  virtual void egress_depth(std::size_t in_flight, std::size_t queued) = 0;

  /// A group commit of `requests` persist requests took `elapsed` (write and fsync).
  virtual void storage_commit(std::size_t requests,
                              std::chrono::steady_clock::duration elapsed) = 0;

  /// Recovery at start resumed `resumed` in-flight verifications and skipped `skipped`.
  virtual void recovered(std::size_t resumed, std::size_t skipped) = 0;

  /// Recovery sent a new attempt over `via` with a fresh code: the latest attempt was stored
  /// but never confirmed by Twilio before the restart (it may still have left).
  virtual void recovery_resend(channel via) = 0;

  /// An actor of `kind` started.
  virtual void actor_started(actor_kind kind) = 0;

  /// An actor of `kind` stopped.
  virtual void actor_stopped(actor_kind kind) = 0;

  /// The series of route `pattern` (as the router knows it, never a raw path), created on first
  /// use. Not for hot paths: call it while routes are added, then keep the reference.
  virtual const route_series& http_route(std::string_view pattern) = 0;

  /// A request to `route` was answered `status` after `elapsed`.
  void http_request(const route_series& route, int status,
                    std::chrono::steady_clock::duration elapsed) const {
    route.record(status, elapsed);
  }

  /// Everything recorded, in the text exposition format the /metrics route serves.
  virtual std::string text() const = 0;

protected:
  metrics() = default;
};

} // namespace verity
