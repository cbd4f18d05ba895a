#include "net/json_views.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/error_classification.hpp"
#include "engine/phone.hpp"

namespace verity::net {

namespace {

using nlohmann::json;

/// A time, or null.
json time_or_null(const std::optional<timestamp>& at) {
  return at ? json(format_time(*at)) : json(nullptr);
}

/// A Twilio error code, or null for 0.
json code_or_null(std::uint32_t code) {
  return code != 0 ? json(code) : json(nullptr);
}

/// The description of a Twilio error code, or null when there is none.
json description_or_null(std::uint32_t code) {
  auto description = describe_twilio_error(code);
  return code != 0 && !description.empty() ? json(description) : json(nullptr);
}

/// A duration in milliseconds, or null.
json ms_or_null(const std::optional<std::int64_t>& ms) {
  return ms ? json(*ms) : json(nullptr);
}

/// A possibly empty string, or null.
json text_or_null(const std::string& text) {
  return text.empty() ? json(nullptr) : json(text);
}

/// When the first failure of any kind was seen.
std::optional<timestamp> first_failure(const delivery_state& delivery) {
  std::optional<timestamp> earliest;
  for (std::size_t i = 0; i < delivery_status_count; ++i) {
    auto status = static_cast<delivery_status>(i);
    auto seen = delivery.first_seen(status);
    if (is_failure(status) && seen && (!earliest || *seen < *earliest))
      earliest = seen;
  }
  return earliest;
}

json timestamps_json(const delivery_state& delivery) {
  return {
    {"created", time_or_null(delivery.first_seen(delivery_status::created))},
    {"queued", time_or_null(delivery.first_seen(delivery_status::queued))},
    {"sent", time_or_null(delivery.first_seen(delivery_status::sent))},
    {"delivered", time_or_null(delivery.first_seen(delivery_status::delivered))},
    {"read", time_or_null(delivery.first_seen(delivery_status::read))},
    {"failed", time_or_null(first_failure(delivery))},
  };
}

/// Every status seen with its first time, oldest first (ties in lattice order).
json history_json(const delivery_state& delivery) {
  std::vector<std::pair<timestamp, delivery_status>> seen;
  for (std::size_t i = 0; i < delivery_status_count; ++i) {
    auto status = static_cast<delivery_status>(i);
    if (auto at = delivery.first_seen(status))
      seen.emplace_back(*at, status);
  }
  std::stable_sort(seen.begin(), seen.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  auto history = json::array();
  for (const auto& [at, status] : seen)
    history.push_back({{"status", to_string(status)}, {"at", format_time(at)}});
  return history;
}

/// The `delivery` object: the state of the latest attempt.
json delivery_json(const verification_view& view) {
  if (view.attempts.empty())
    return {
      {"state", api_delivery_state(delivery_status::created)},
      {"channel", to_string(first_channel(view.verification.preference))},
      {"message_id", nullptr},
      {"twilio_sid", nullptr},
      {"error_code", nullptr},
      {"error_description", nullptr},
    };
  const auto& latest = view.attempts.back();
  return {
    {"state", api_delivery_state(latest.delivery.current())},
    {"channel", to_string(latest.via)},
    {"message_id", latest.id.to_string()},
    {"twilio_sid", text_or_null(latest.twilio_sid)},
    {"error_code", code_or_null(latest.error_code())},
    {"error_description", description_or_null(latest.error_code())},
  };
}

} // namespace

std::string format_time(timestamp at) {
  using namespace std::chrono;
  auto day = floor<days>(at);
  year_month_day date{day};
  hh_mm_ss<milliseconds> time{at - day};
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()),
                static_cast<int>(time.subseconds().count()));
  return text.data();
}

std::string_view api_delivery_state(delivery_status status) {
  return status == delivery_status::created ? "sending" : to_string(status);
}

json verification_json(const verification_view& view) {
  const auto& record = view.verification;
  auto attempts = json::array();
  for (const auto& attempt : view.attempts)
    attempts.push_back(attempt_json(attempt));
  auto id = record.id.to_string();
  return {
    {"id", id},
    {"to", mask_phone(record.phone)},
    {"status", to_string(record.status)},
    {"channel", view.attempts.empty() ? to_string(first_channel(record.preference))
                                      : to_string(view.attempts.back().via)},
    {"fallback", to_string(record.fallback)},
    {"created_at", format_time(record.created_at)},
    {"expires_at", format_time(record.expires_at)},
    {"delivery", delivery_json(view)},
    {"attempts", std::move(attempts)},
    {"poll_url", "/v1/verifications/" + id},
  };
}

json attempt_json(const message_record& message) {
  return {
    {"message_id", message.id.to_string()},
    {"channel", to_string(message.via)},
    {"twilio_sid", text_or_null(message.twilio_sid)},
    {"status", api_delivery_state(message.delivery.current())},
    {"error_code", code_or_null(message.error_code())},
    {"error_description", description_or_null(message.error_code())},
    {"timestamps", timestamps_json(message.delivery)},
    {"delivery_ms", ms_or_null(delivery_ms(message.delivery))},
    {"history", history_json(message.delivery)},
  };
}

json message_json(const message_record& message) {
  auto receipt = attempt_json(message);
  receipt["to"] = mask_phone(message.to);
  receipt["verification_id"] = message.verification.to_string();
  return receipt;
}

json check_json(const check_result& result) {
  json answer = {{"status", to_string(result.status)}, {"valid", result.valid}};
  if (!result.valid)
    answer["attempts_left"] = result.attempts_left;
  return answer;
}

} // namespace verity::net
