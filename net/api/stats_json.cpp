#include "net/api/stats_json.hpp"

#include <string>

#include <nlohmann/json.hpp>

#include "engine/error_classification.hpp"
#include "engine/phone.hpp"
#include "net/api/json_views.hpp"

namespace verity::net {

namespace {

using nlohmann::json;

/// `part` as a share of `total`, 0 when `total` is 0.
double rate(std::uint64_t part, std::uint64_t total) {
  return total == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(total);
}

json channel_json(const channel_stats& stats) {
  return {
    {"total", stats.total},
    {"delivered", stats.delivered},
    {"read", stats.read},
    {"failed", stats.failed},
    {"pending", stats.pending},
    {"delivery_rate", rate(stats.delivered, stats.total)},
    {"read_rate", rate(stats.read, stats.total)},
    {"failure_rate", rate(stats.failed, stats.total)},
    {"avg_delivery_ms", stats.avg_delivery_ms},
    {"p95_delivery_ms", stats.p95_delivery_ms},
  };
}

/// Whether Twilio error `code` may succeed when sent again; null when the code is unknown.
json retryable_or_null(std::uint32_t code) {
  auto retryable = is_retryable_twilio_error(code);
  return retryable ? json(*retryable) : json(nullptr);
}

} // namespace

json stats_json(const stats_report& report) {
  auto channels = json::object();
  for (auto via : {channel::whatsapp, channel::sms})
    channels[std::string{to_string(via)}] =
      channel_json(report.channels[static_cast<std::size_t>(via)]);
  auto statuses = json::object();
  for (const auto& [status, count] : report.status_breakdown) {
    auto name = std::string{api_delivery_state(status)};
    statuses[name] = statuses.value(name, std::uint64_t{0}) + count;
  }
  auto codes = json::object();
  for (const auto& [code, count] : report.error_codes)
    codes[std::to_string(code)] = {{"count", count},
                                   {"description", describe_twilio_error(code)},
                                   {"retryable", retryable_or_null(code)}};
  return {
    {"window_days", report.window_days},
    {"channels", std::move(channels)},
    {"status_breakdown", std::move(statuses)},
    {"error_codes", std::move(codes)},
  };
}

json phone_stats_json(const phone_stats_report& report, const std::string& phone) {
  auto body = stats_json(report.stats);
  body["phone"] = mask_phone(phone);
  auto recent = json::array();
  for (const auto& message : report.recent)
    recent.push_back(attempt_json(message));
  body["recent"] = std::move(recent);
  return body;
}

} // namespace verity::net
