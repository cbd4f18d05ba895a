#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "engine/stats.hpp"

namespace verity::net {

/// The body of GET /v1/stats: {window_days, channels {whatsapp, sms} with {total, delivered,
/// read, failed, pending, delivery_rate, read_rate, failure_rate, avg_delivery_ms,
/// p95_delivery_ms} (rates are shares of `total`, 0 when it is 0), status_breakdown
/// {"<delivery state>": n} and error_codes {"<code>": {count, description}}}.
nlohmann::json stats_json(const stats_report& report);

/// The body of GET /v1/phones/{e164}/stats: `stats_json` of the phone's report plus `phone`
/// (masked) and `recent`, its latest messages as `attempts[]` entries, newest first.
nlohmann::json phone_stats_json(const phone_stats_report& report, const std::string& phone);

} // namespace verity::net
