#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

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

/// The Prometheus metrics Verity keeps (see ARCHITECTURE.md, "Observability"). Created once in
/// main and shared by pointer; a null pointer records nothing (tests, benchmarks).
///
/// Every label combination is created up front, so recording is a lock-free atomic add on a
/// series held by reference, histograms included (see atomic_histogram). Only bounded labels
/// exist: channel, status, outcome, reason, class, result, error code, route.
class metrics {
public:
  /// The series of one route pattern: requests by status code and their duration.
  class route_series;

  /// Creates the registry and every series.
  metrics();
  ~metrics();

  metrics(const metrics&) = delete;
  metrics& operator=(const metrics&) = delete;

  /// A verification was started (its first message is durable).
  void verification_started();

  /// A verification ended with `outcome` (approved, expired, ...); `pending` is ignored.
  void verification_finished(verification_status outcome);

  /// Twilio accepted a message over `via`.
  void message_sent(channel via);

  /// A message's delivery state changed from `before` to `after`: counts the status transition
  /// and observes the time from `created` to the first `delivered` or `read`.
  void delivery_changed(channel via, const delivery_state& before, const delivery_state& after);

  /// A message over `via` reached its delivery deadline unconfirmed.
  void deadline_expired(channel via);

  /// A verification fell back to SMS after a WhatsApp message ended in `reason` (a failure).
  void fallback(delivery_status reason);

  /// A create request is retried.
  void retry(retry_class kind);

  /// Twilio answered a create request (or did not: `http_status` 0) after `elapsed`: counted
  /// as created, throttled (429), refused (another status) or unreachable. `twilio_code` is
  /// Twilio's error code, 0 when none.
  void twilio_request(bool created, int http_status, std::uint32_t twilio_code,
                      std::chrono::steady_clock::duration elapsed);

  /// Twilio reported error `twilio_code` (a create answer or a status callback); 0 is ignored.
  void twilio_error(std::uint32_t twilio_code);

  /// A status callback was handled with `result`.
  void callback(callback_result result);

  /// Egress now has `in_flight` create requests on the wire and `queued` waiting their turn.
  void egress_depth(std::size_t in_flight, std::size_t queued);

  /// A group commit of `requests` persist requests took `elapsed` (write and fsync).
  void storage_commit(std::size_t requests, std::chrono::steady_clock::duration elapsed);

  /// Recovery at start resumed `resumed` in-flight verifications and skipped `skipped`.
  void recovered(std::size_t resumed, std::size_t skipped);

  /// Recovery sent a new attempt over `via` with a fresh code: the latest attempt was stored
  /// but never confirmed by Twilio before the restart (it may still have left).
  void recovery_resend(channel via);

  /// An actor of `kind` started.
  void actor_started(actor_kind kind);

  /// An actor of `kind` stopped.
  void actor_stopped(actor_kind kind);

  /// The series of route `pattern` (as the router knows it, never a raw path), created on first
  /// use. Not for hot paths: call it while routes are added, then keep the reference.
  const route_series& http_route(std::string_view pattern);

  /// A request to `route` was answered `status` after `elapsed`.
  void http_request(const route_series& route, int status,
                    std::chrono::steady_clock::duration elapsed) const;

  /// Exports a counter whose value `read` returns at scrape time (e.g. atomics kept elsewhere).
  /// `read` must be thread-safe and cheap.
  void export_counter(std::string name, std::string help, std::function<double()> read);

  /// Exports a gauge whose value `read` returns at scrape time (e.g. memory held elsewhere).
  /// `read` must be thread-safe and cheap.
  void export_gauge(std::string name, std::string help, std::function<double()> read);

  /// Everything, in the Prometheus text exposition format.
  std::string text() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace verity
