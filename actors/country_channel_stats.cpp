#include "actors/country_channel_stats.hpp"

#include "engine/metrics.hpp"
#include "engine/phone.hpp"

namespace verity {

country_channel_stats::country_channel_stats(std::chrono::milliseconds span,
                                             std::size_t max_countries, metrics* recorder)
  : window_{span, max_countries}, recorder_{recorder} {}

void country_channel_stats::record(const std::string& phone, timestamp at, bool delivered,
                                   std::chrono::milliseconds time_to_delivered) {
  auto country = country_prefix(phone);
  country_whatsapp_stats stats;
  {
    std::lock_guard lock{mutex_};
    window_.record(country, at, delivered, time_to_delivered);
    stats = window_.stats(country, at);
  }
  if (recorder_ != nullptr)
    recorder_->country_whatsapp(country, stats);
}

country_whatsapp_stats country_channel_stats::stats_for(const std::string& phone,
                                                        timestamp now) {
  std::lock_guard lock{mutex_};
  return window_.stats(country_prefix(phone), now);
}

} // namespace verity
