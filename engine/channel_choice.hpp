#pragma once

// How `channel: "auto"` picks its first channel from what Verity has seen: the phone's own
// recent WhatsApp outcomes (with decay) and its country's WhatsApp delivery rate over a window.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "engine/channel_evidence.hpp"
#include "engine/clock.hpp"
#include "engine/verification.hpp"

namespace verity {

/// A country's WhatsApp record over the sliding window, as the decision reads it.
struct country_whatsapp_stats {
  std::uint32_t sent = 0;      ///< WhatsApp messages with an outcome in the window.
  std::uint32_t delivered = 0; ///< Of those, delivered or read.
  std::chrono::milliseconds median_time_to_delivered{0}; ///< Over the delivered ones.

  /// delivered / sent, or 1 when nothing was sent.
  double delivery_rate() const;
};

/// The knobs of the decision (VERITY_CHANNEL_* keys).
struct channel_choice_rules {
  /// How long a phone's outcome counts: older evidence is forgotten, so a phone that installs
  /// WhatsApp later gets it again.
  std::chrono::milliseconds evidence_ttl{std::chrono::hours{24 * 30}};
  /// WhatsApp failures (since the last delivery, within the ttl) that send auto to SMS.
  std::uint32_t phone_failures = 2;
  /// A country whose WhatsApp delivery rate is below this starts on SMS...
  double country_min_rate = 0.5;
  /// ...once this many WhatsApp outcomes were seen there within the window.
  std::uint32_t country_min_samples = 20;
  /// The span of the per-country window (country_whatsapp_window).
  std::chrono::milliseconds country_window{std::chrono::hours{24}};
};

/// A first channel and why.
struct channel_choice {
  channel via = channel::whatsapp;
  channel_reason reason = channel_reason::requested;

  bool operator==(const channel_choice&) const = default;
};

/// Chooses the first channel of a verification asked with `preference` at `now`. A named channel
/// is taken as asked. For auto, only the phone's evidence within the ttl and after its latest
/// WhatsApp delivery counts (a delivery clears the doubt): a not-a-user answer, or
/// `phone_failures` failures, choose SMS. A phone delivered to lately keeps WhatsApp; otherwise
/// a country with enough samples and a delivery rate below the threshold chooses SMS.
channel_choice choose_channel(channel_preference preference,
                              const std::vector<whatsapp_evidence>& phone,
                              const country_whatsapp_stats& country, timestamp now,
                              const channel_choice_rules& rules);

/// The reason of a verification stored before reasons were kept: `requested` for a named
/// channel, else `auto_default_whatsapp` (its record does not say which channel went first).
channel_reason derived_reason(channel_preference preference);

/// WhatsApp outcomes per country calling code over a sliding window: the decision's country
/// input. Plain data, not thread-safe; countries are capped (the least recently seen is dropped)
/// and so are the samples of each (the newest kept), so memory and metric series stay bounded.
class country_whatsapp_window {
public:
  /// The most outcomes kept per country, however busy the window.
  static constexpr std::size_t max_samples = 1024;

  /// A window of `span`, keeping at most `max_countries` countries.
  country_whatsapp_window(std::chrono::milliseconds span, std::size_t max_countries);

  /// Records one WhatsApp outcome in `country` at `at`; `time_to_delivered` for deliveries.
  void record(const std::string& country, timestamp at, bool delivered,
              std::chrono::milliseconds time_to_delivered);

  /// The stats of `country` at `now` (outcomes older than the window forgotten).
  country_whatsapp_stats stats(const std::string& country, timestamp now);

  /// Every country kept, with its stats at `now`.
  std::map<std::string, country_whatsapp_stats> all(timestamp now);

private:
  struct sample {
    timestamp at;
    bool delivered = false;
    std::chrono::milliseconds time_to_delivered{0};
  };
  struct country_samples {
    std::deque<sample> samples;
    timestamp last_seen;
  };

  void forget_old(country_samples& samples, timestamp now) const;
  static country_whatsapp_stats summarize(const country_samples& samples);

  std::chrono::milliseconds span_;
  std::size_t max_countries_;
  std::map<std::string, country_samples> countries_;
};

} // namespace verity
