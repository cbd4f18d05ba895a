#pragma once

// The metrics registry on prometheus-cpp: every series Verity exports, and their text format.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "engine/metrics.hpp"

namespace verity {

/// The `metrics` main creates and serves at /metrics. Every label combination is created up
/// front, so recording is a lock-free atomic add on a series held by reference, histograms
/// included (see atomic_histogram). Only bounded labels exist: channel, status, outcome,
/// reason, class, result, error code, route, and country calling code (at most
/// `max_countries` of them, the first seen).
class prometheus_metrics final : public metrics {
public:
  /// The most countries with WhatsApp gauges.
  static constexpr std::size_t max_countries = 64;

  /// Creates the registry and every series.
  prometheus_metrics();
  ~prometheus_metrics() override;

  // The events of `metrics`, each counted in its series.
  void verification_started() override;
  void verification_finished(verification_status outcome) override;
  void message_sent(channel via) override;
  void delivery_changed(channel via, const delivery_state& before,
                        const delivery_state& after) override;
  void deadline_expired(channel via) override;
  void not_sent(channel via, not_sent_reason reason) override;
  void fallback(delivery_status reason) override;
  void channel_chosen(channel via, channel_reason reason) override;
  void country_whatsapp(const std::string& country,
                        const country_whatsapp_stats& stats) override;
  void retry(retry_class kind) override;
  void twilio_request(bool created, int http_status, std::uint32_t twilio_code,
                      std::chrono::steady_clock::duration elapsed) override;
  void twilio_error(std::uint32_t twilio_code) override;
  void callback(callback_result result) override;
  void egress_depth(std::size_t in_flight, std::size_t queued) override;
  void storage_commit(std::size_t requests,
                      std::chrono::steady_clock::duration elapsed) override;
  void recovered(std::size_t resumed, std::size_t skipped) override;
  void recovery_resend(channel via) override;
  void actor_started(actor_kind kind) override;
  void actor_stopped(actor_kind kind) override;
  const route_series& http_route(std::string_view pattern) override;
  std::string text() const override;

  /// Exports a counter whose value `read` returns at scrape time (e.g. atomics kept elsewhere).
  /// `read` must be thread-safe and cheap.
  void export_counter(std::string name, std::string help, std::function<double()> read);

  /// Exports a gauge whose value `read` returns at scrape time (e.g. memory held elsewhere).
  /// `read` must be thread-safe and cheap.
  void export_gauge(std::string name, std::string help, std::function<double()> read);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace verity
