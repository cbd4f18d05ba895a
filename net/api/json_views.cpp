#include "net/api/json_views.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/error_classification.hpp"
#include "engine/phone.hpp"
#include "net/api/request_parsing.hpp"

namespace verity::net {

namespace {

using nlohmann::json;

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

/// Every status seen with its first time, oldest first (ties in lattice order).
std::vector<std::pair<timestamp, delivery_status>> seen_in_order(const delivery_state& delivery) {
  std::vector<std::pair<timestamp, delivery_status>> seen;
  for (std::size_t i = 0; i < delivery_status_count; ++i) {
    auto status = static_cast<delivery_status>(i);
    if (auto at = delivery.first_seen(status))
      seen.emplace_back(*at, status);
  }
  std::stable_sort(seen.begin(), seen.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return seen;
}

/// Writes the API's JSON (as `to_body` dumps it) straight into a string. Keys must be given in
/// sorted order, as nlohmann's std::map keeps them.
class json_writer {
public:
  /// Starts an object or array.
  void open(char bracket) {
    separate();
    out_.push_back(bracket);
    first_ = true;
  }

  /// Ends an object or array.
  void close(char bracket) {
    out_.push_back(bracket);
    first_ = false;
  }

  /// Writes `"name":` (names are plain ASCII literals).
  void key(std::string_view name) {
    separate();
    out_.push_back('"');
    out_.append(name).append("\":");
    first_ = true;
  }

  /// A string, escaped as nlohmann escapes it (anything but plain printable ASCII is left to
  /// nlohmann itself, so control characters and invalid UTF-8 come out the same).
  void text(std::string_view value) {
    separate();
    if (std::all_of(value.begin(), value.end(), plain)) {
      out_.push_back('"');
      out_.append(value).push_back('"');
    } else {
      out_.append(to_body(json(value)));
    }
  }

  /// A whole number.
  void number(std::int64_t value) {
    separate();
    std::array<char, 24> digits{};
    auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr;
    out_.append(digits.data(), end);
  }

  /// true or false.
  void boolean(bool value) {
    separate();
    out_.append(value ? "true" : "false");
  }

  void null() {
    separate();
    out_.append("null");
  }

  std::string take() { return std::move(out_); }

private:
  /// Printable ASCII that JSON does not escape.
  static bool plain(char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; }

  /// The comma before every value but the first of its object or array, and none after a key.
  void separate() {
    if (!first_)
      out_.push_back(',');
    first_ = false;
  }

  std::string out_;
  bool first_ = true;
};

void write_time(json_writer& out, const std::optional<timestamp>& at) {
  at ? out.text(format_time(*at)) : out.null();
}

void write_code(json_writer& out, std::uint32_t code) {
  code != 0 ? out.number(code) : out.null();
}

void write_description(json_writer& out, std::uint32_t code) {
  auto description = describe_twilio_error(code);
  code != 0 && !description.empty() ? out.text(description) : out.null();
}

/// Whether Twilio error `code` may succeed when sent again; null for no code or an unknown one.
void write_retryable(json_writer& out, std::uint32_t code) {
  auto retryable = is_retryable_twilio_error(code);
  code != 0 && retryable ? out.boolean(*retryable) : out.null();
}

void write_text_or_null(json_writer& out, const std::string& text) {
  text.empty() ? out.null() : out.text(text);
}

void write_timestamps(json_writer& out, const delivery_state& delivery) {
  out.open('{');
  out.key("created");
  write_time(out, delivery.first_seen(delivery_status::created));
  out.key("delivered");
  write_time(out, delivery.first_seen(delivery_status::delivered));
  out.key("failed");
  write_time(out, first_failure(delivery));
  out.key("queued");
  write_time(out, delivery.first_seen(delivery_status::queued));
  out.key("read");
  write_time(out, delivery.first_seen(delivery_status::read));
  out.key("sent");
  write_time(out, delivery.first_seen(delivery_status::sent));
  out.close('}');
}

/// One `attempts[]` entry (see attempt_json).
void write_attempt(json_writer& out, const message_record& message) {
  out.open('{');
  out.key("channel");
  out.text(to_string(message.via));
  out.key("delivery_ms");
  auto ms = delivery_ms(message.delivery);
  ms ? out.number(*ms) : out.null();
  out.key("error_code");
  write_code(out, message.error_code());
  out.key("error_description");
  write_description(out, message.error_code());
  out.key("history");
  out.open('[');
  for (const auto& [at, status] : seen_in_order(message.delivery)) {
    out.open('{');
    out.key("at");
    out.text(format_time(at));
    out.key("status");
    out.text(to_string(status));
    out.close('}');
  }
  out.close(']');
  out.key("message_id");
  out.text(message.id.to_string());
  out.key("not_sent_reason");
  message.not_sent != not_sent_reason::none ? out.text(to_string(message.not_sent)) : out.null();
  out.key("retryable");
  write_retryable(out, message.error_code());
  out.key("status");
  out.text(api_delivery_state(message.delivery.current()));
  out.key("timestamps");
  write_timestamps(out, message.delivery);
  out.key("twilio_sid");
  write_text_or_null(out, message.twilio_sid);
  out.close('}');
}

/// The `delivery` object: the state of the latest attempt (or of none yet).
void write_delivery(json_writer& out, const verification_view& view) {
  const auto* latest = view.attempts.empty() ? nullptr : &view.attempts.back();
  out.open('{');
  out.key("channel");
  out.text(latest ? to_string(latest->via)
                  : to_string(first_channel(view.verification.preference)));
  out.key("error_code");
  latest ? write_code(out, latest->error_code()) : out.null();
  out.key("error_description");
  latest ? write_description(out, latest->error_code()) : out.null();
  out.key("message_id");
  latest ? out.text(latest->id.to_string()) : out.null();
  out.key("state");
  out.text(api_delivery_state(latest ? latest->delivery.current() : delivery_status::created));
  out.key("twilio_sid");
  latest ? write_text_or_null(out, latest->twilio_sid) : out.null();
  out.close('}');
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

std::string_view describe_not_sent(not_sent_reason reason) {
  switch (reason) {
    case not_sent_reason::sender_rate:
      return "Not sent: the sender's rate limit held it in Verity's queue until its delivery "
             "deadline passed, so it never reached Twilio.";
    case not_sent_reason::egress_busy:
      return "Not sent: every connection to Twilio was busy until its delivery deadline "
             "passed, so it never reached Twilio.";
    case not_sent_reason::send_limit:
      return "Not sent: Verity's send limits (per phone, number prefix or country) refused it, "
             "so it never reached Twilio.";
    case not_sent_reason::none:
      break;
  }
  return "";
}

std::string verification_body(const verification_view& view) {
  const auto& record = view.verification;
  auto id = record.id.to_string();
  json_writer out;
  out.open('{');
  out.key("attempts");
  out.open('[');
  for (const auto& attempt : view.attempts)
    write_attempt(out, attempt);
  out.close(']');
  out.key("channel");
  out.text(view.attempts.empty() ? to_string(first_channel(record.preference))
                                 : to_string(view.attempts.back().via));
  out.key("channel_reason");
  out.text(to_string(record.why_channel));
  out.key("created_at");
  out.text(format_time(record.created_at));
  out.key("delivery");
  write_delivery(out, view);
  out.key("expires_at");
  out.text(format_time(record.expires_at));
  out.key("fallback");
  out.text(to_string(record.fallback));
  out.key("id");
  out.text(id);
  out.key("poll_url");
  out.text("/v1/verifications/" + id);
  out.key("status");
  out.text(to_string(record.status));
  out.key("to");
  out.text(mask_phone(record.phone));
  out.close('}');
  return out.take();
}

json attempt_json(const message_record& message) {
  json_writer out;
  write_attempt(out, message);
  return json::parse(out.take());
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
