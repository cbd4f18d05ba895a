#include "engine/channel_choice.hpp"

#include <algorithm>

namespace verity {

namespace {

/// What the phone's evidence says, reading it newest first until the latest delivery.
struct phone_verdict {
  bool delivered_lately = false;
  bool not_on_whatsapp = false;
  std::uint32_t failures = 0;
};

phone_verdict read_evidence(const std::vector<whatsapp_evidence>& history, timestamp now,
                            std::chrono::milliseconds ttl) {
  phone_verdict verdict;
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->at + ttl <= now)
      continue; // forgotten: too old to count
    if (it->outcome == whatsapp_outcome::delivered) {
      verdict.delivered_lately = true;
      break; // a delivery clears every doubt older than it
    }
    if (it->outcome == whatsapp_outcome::not_on_whatsapp)
      verdict.not_on_whatsapp = true;
    ++verdict.failures;
  }
  return verdict;
}

} // namespace

double country_whatsapp_stats::delivery_rate() const {
  return sent == 0 ? 1.0 : static_cast<double>(delivered) / sent;
}

channel_choice choose_channel(channel_preference preference,
                              const std::vector<whatsapp_evidence>& phone,
                              const country_whatsapp_stats& country, timestamp now,
                              const channel_choice_rules& rules) {
  if (preference != channel_preference::automatic)
    return {first_channel(preference), channel_reason::requested};
  auto verdict = read_evidence(phone, now, rules.evidence_ttl);
  if (verdict.not_on_whatsapp)
    return {channel::sms, channel_reason::auto_phone_not_on_whatsapp};
  if (rules.phone_failures > 0 && verdict.failures >= rules.phone_failures)
    return {channel::sms, channel_reason::auto_phone_whatsapp_failures};
  bool country_poor = country.sent >= rules.country_min_samples
                      && country.delivery_rate() < rules.country_min_rate;
  if (!verdict.delivered_lately && country_poor)
    return {channel::sms, channel_reason::auto_country_whatsapp_rate};
  return {channel::whatsapp, channel_reason::auto_default_whatsapp};
}

channel_reason derived_reason(channel_preference preference) {
  return preference == channel_preference::automatic ? channel_reason::auto_default_whatsapp
                                                     : channel_reason::requested;
}

country_whatsapp_window::country_whatsapp_window(std::chrono::milliseconds span,
                                                 std::size_t max_countries)
  : span_{span}, max_countries_{max_countries} {}

void country_whatsapp_window::record(const std::string& country, timestamp at, bool delivered,
                                     std::chrono::milliseconds time_to_delivered) {
  if (max_countries_ == 0)
    return;
  if (!countries_.contains(country) && countries_.size() >= max_countries_) {
    auto oldest = std::min_element(countries_.begin(), countries_.end(),
                                   [](const auto& a, const auto& b) {
                                     return a.second.last_seen < b.second.last_seen;
                                   });
    countries_.erase(oldest);
  }
  auto& entry = countries_[country];
  entry.last_seen = std::max(entry.last_seen, at);
  entry.samples.push_back({at, delivered, time_to_delivered});
  if (entry.samples.size() > max_samples)
    entry.samples.pop_front();
}

void country_whatsapp_window::forget_old(country_samples& entry, timestamp now) const {
  while (!entry.samples.empty() && entry.samples.front().at + span_ <= now)
    entry.samples.pop_front();
}

country_whatsapp_stats country_whatsapp_window::summarize(const country_samples& entry) {
  country_whatsapp_stats stats;
  std::vector<std::chrono::milliseconds> times;
  for (const auto& sample : entry.samples) {
    ++stats.sent;
    if (!sample.delivered)
      continue;
    ++stats.delivered;
    times.push_back(sample.time_to_delivered);
  }
  if (!times.empty()) {
    auto middle = times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2);
    std::nth_element(times.begin(), middle, times.end());
    stats.median_time_to_delivered = *middle;
  }
  return stats;
}

country_whatsapp_stats country_whatsapp_window::stats(const std::string& country,
                                                      timestamp now) {
  auto found = countries_.find(country);
  if (found == countries_.end())
    return {};
  forget_old(found->second, now);
  return summarize(found->second);
}

std::map<std::string, country_whatsapp_stats> country_whatsapp_window::all(timestamp now) {
  std::map<std::string, country_whatsapp_stats> result;
  for (auto& [country, entry] : countries_) {
    forget_old(entry, now);
    result.emplace(country, summarize(entry));
  }
  return result;
}

} // namespace verity
