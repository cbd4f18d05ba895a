#pragma once

// The per-country WhatsApp record every phone actor feeds and reads when `channel: "auto"`
// chooses: one per process, shared by pointer through the verification settings.

#include <chrono>
#include <mutex>
#include <string>

#include "engine/channel_choice.hpp"

namespace verity {

class metrics;

/// WhatsApp outcomes per country calling code over a sliding window (engine's
/// `country_whatsapp_window`), safe to share between actors. Kept in memory only: after a
/// restart each country learns again from new outcomes (until it has the minimum samples, auto
/// starts on WhatsApp there). Every call holds a mutex for a bounded, in-memory computation (at
/// most `country_whatsapp_window::max_samples` samples), never for I/O, so a phone actor may
/// call it from its handler: a synchronous read spares each start a round trip to an actor.
class country_channel_stats {
public:
  /// A window of `span` over at most `max_countries` countries; each change of a country's
  /// stats is reported to `recorder` (may be null) as its gauges.
  country_channel_stats(std::chrono::milliseconds span, std::size_t max_countries,
                        metrics* recorder);

  /// Records one WhatsApp outcome of a message to `phone` (E.164) at `at`.
  void record(const std::string& phone, timestamp at, bool delivered,
              std::chrono::milliseconds time_to_delivered);

  /// The stats of the country of `phone` (E.164) at `now`.
  country_whatsapp_stats stats_for(const std::string& phone, timestamp now);

private:
  std::mutex mutex_;
  country_whatsapp_window window_;
  metrics* recorder_;
};

} // namespace verity
