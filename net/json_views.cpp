#include "net/json_views.hpp"

#include <algorithm>
#include <chrono>
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

/// Writes the last `width` decimal digits of `value` (at least 0) into `text` at `at`.
void write_digits(std::string& text, std::size_t at, std::size_t width, long long value) {
  for (auto i = at + width; i > at; --i, value /= 10)
    text[i - 1] = static_cast<char>('0' + value % 10);
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
  // Digit by digit into a template: snprintf was a tenth of the cost of a status read.
  std::string text = "0000-00-00T00:00:00.000Z";
  write_digits(text, 0, 4, static_cast<int>(date.year()));
  write_digits(text, 5, 2, static_cast<unsigned>(date.month()));
  write_digits(text, 8, 2, static_cast<unsigned>(date.day()));
  write_digits(text, 11, 2, time.hours().count());
  write_digits(text, 14, 2, time.minutes().count());
  write_digits(text, 17, 2, time.seconds().count());
  write_digits(text, 20, 3, time.subseconds().count());
  return text;
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
