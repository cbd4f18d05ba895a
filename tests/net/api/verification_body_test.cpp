#include <algorithm>
#include <array>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "engine/error_classification.hpp"
#include "engine/phone.hpp"
#include "net/api/json_views.hpp"
#include "net/api/request_parsing.hpp"

namespace verity::net {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// The reference: the verification resource as docs/API.md describes it, built field by field
// with nlohmann (which sorts keys and escapes strings on its own). verification_body, the
// product's only writer of the resource, must write exactly what `to_body` dumps of it.

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

json retryable_or_null(std::uint32_t code) {
  auto retryable = is_retryable_twilio_error(code);
  return code != 0 && retryable ? json(*retryable) : json(nullptr);
}

/// A possibly empty string, or null.
json text_or_null(const std::string& text) {
  return text.empty() ? json(nullptr) : json(text);
}

/// The first time any failure status was seen.
std::optional<timestamp> reference_first_failure(const delivery_state& delivery) {
  std::optional<timestamp> earliest;
  for (std::size_t i = 0; i < delivery_status_count; ++i) {
    auto status = static_cast<delivery_status>(i);
    auto seen = delivery.first_seen(status);
    if (is_failure(status) && seen && (!earliest || *seen < *earliest))
      earliest = seen;
  }
  return earliest;
}

/// Each status seen once with its first time, oldest first, ties in lattice order.
json reference_history(const delivery_state& delivery) {
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

/// One `attempts[]` entry.
json reference_attempt(const message_record& message) {
  const auto& delivery = message.delivery;
  auto ms = delivery_ms(delivery);
  return {
    {"message_id", message.id.to_string()},
    {"channel", to_string(message.via)},
    {"twilio_sid", text_or_null(message.twilio_sid)},
    {"status", api_delivery_state(delivery.current())},
    {"not_sent_reason", message.not_sent != not_sent_reason::none
                          ? json(to_string(message.not_sent)) : json(nullptr)},
    {"error_code", code_or_null(message.error_code())},
    {"error_description", description_or_null(message.error_code())},
    {"retryable", retryable_or_null(message.error_code())},
    {"timestamps",
     {{"created", time_or_null(delivery.first_seen(delivery_status::created))},
      {"queued", time_or_null(delivery.first_seen(delivery_status::queued))},
      {"sent", time_or_null(delivery.first_seen(delivery_status::sent))},
      {"delivered", time_or_null(delivery.first_seen(delivery_status::delivered))},
      {"read", time_or_null(delivery.first_seen(delivery_status::read))},
      {"failed", time_or_null(reference_first_failure(delivery))}}},
    {"delivery_ms", ms ? json(*ms) : json(nullptr)},
    {"history", reference_history(delivery)},
  };
}

/// The `delivery` object: the state of the latest attempt.
json reference_delivery(const verification_view& view) {
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

/// The whole resource.
json reference_json(const verification_view& view) {
  const auto& record = view.verification;
  auto attempts = json::array();
  for (const auto& attempt : view.attempts)
    attempts.push_back(reference_attempt(attempt));
  auto id = record.id.to_string();
  return {
    {"id", id},
    {"to", mask_phone(record.phone)},
    {"status", to_string(record.status)},
    {"channel", view.attempts.empty() ? to_string(first_channel(record.preference))
                                      : to_string(view.attempts.back().via)},
    {"channel_reason", to_string(record.why_channel)},
    {"fallback", to_string(record.fallback)},
    {"created_at", format_time(record.created_at)},
    {"expires_at", format_time(record.expires_at)},
    {"delivery", reference_delivery(view)},
    {"attempts", std::move(attempts)},
    {"poll_url", "/v1/verifications/" + id},
  };
}

/// Strings an outside party could put in a view (a Twilio SID, a stored phone): plain,
/// empty, JSON's escapes, control characters, DEL, UTF-8 and invalid UTF-8.
const std::vector<std::string> odd_texts{
  "",
  "SM0123456789abcdef0123456789abcdef",
  "quote\" back\\slash / slash",
  "\b\f\n\r\t",
  std::string("nul\0and\x01\x1f\x7f", 11),
  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
  "bad \xff\xfe utf8 \xc3",
  "truncated \xe2\x82",
  "\xed\xa0\x80 surrogate",
  "+12015550123",
  "whatsapp:+447911123456",
  "garbage-number-\xc3\xa9",
};

/// Twilio codes: none, known ones (with descriptions), unknown and extreme ones.
const std::array<std::uint32_t, 8> codes{0, 30003, 63003, 21611, 30008, 1, 99999, 4294967295U};

/// Builds random but reproducible views covering every state and field shape.
class view_maker {
public:
  explicit view_maker(unsigned seed) : random_(seed) {}

  /// The next view.
  verification_view make() {
    verification_view view;
    auto& record = view.verification;
    record.id = verification_id::generate();
    record.phone = pick(odd_texts);
    record.preference = static_cast<channel_preference>(below(3));
    record.fallback = static_cast<fallback_policy>(below(3));
    record.status = static_cast<verification_status>(below(6));
    record.why_channel = static_cast<channel_reason>(below(channel_reason_count));
    record.created_at = time();
    record.expires_at = time();
    for (auto n = below(4); n > 0; --n)
      view.attempts.push_back(message());
    return view;
  }

private:
  /// A number from 0 to n - 1.
  std::size_t below(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(random_);
  }

  /// One of `from`.
  const std::string& pick(const std::vector<std::string>& from) {
    return from[below(from.size())];
  }

  /// A time from 1970 to past 2100, often on a shared millisecond.
  timestamp time() {
    if (below(4) == 0)
      return timestamp{1'767'225'600'000ms};
    return timestamp{std::chrono::milliseconds(
      std::uniform_int_distribution<std::int64_t>(0, 4'200'000'000'000)(random_))};
  }

  /// An attempt with up to five status events.
  message_record message() {
    message_record message;
    message.id = message_id::generate();
    message.verification = verification_id::generate();
    message.to = pick(odd_texts);
    message.via = static_cast<channel>(below(2));
    message.twilio_sid = pick(odd_texts);
    message.create_error = codes[below(codes.size())];
    message.not_sent = static_cast<not_sent_reason>(below(3));
    for (auto n = below(6); n > 0; --n)
      message.delivery.merge({static_cast<delivery_status>(below(delivery_status_count)), time(),
                              codes[below(codes.size())]});
    return message;
  }

  std::mt19937 random_;
};

TEST(verification_body_test, writes_the_same_bytes_as_the_nlohmann_view) {
  view_maker maker(20261122);
  for (int i = 0; i < 5000; ++i) {
    const auto view = maker.make();
    ASSERT_EQ(verification_body(view), to_body(reference_json(view))) << "view " << i;
    for (const auto& attempt : view.attempts)
      ASSERT_EQ(to_body(attempt_json(attempt)), to_body(reference_attempt(attempt)))
        << "view " << i;
  }
}

TEST(verification_body_test, covers_every_state_and_empty_attempts) {
  verification_view view;
  view.verification.phone = "+12015550123";
  for (std::size_t s = 0; s < 6; ++s) {
    view.verification.status = static_cast<verification_status>(s);
    EXPECT_EQ(verification_body(view), to_body(reference_json(view)));
  }
  auto body = nlohmann::json::parse(verification_body(view));
  EXPECT_TRUE(body["attempts"].empty());
  EXPECT_EQ(body["delivery"]["state"], "sending");
  EXPECT_EQ(body["status"], "failed");
}

TEST(verification_body_test, escapes_strings_as_json) {
  verification_view view;
  message_record message;
  message.twilio_sid = "a\"b\\c\nd";
  view.attempts.push_back(message);
  const auto body = verification_body(view);
  EXPECT_NE(body.find(R"("twilio_sid":"a\"b\\c\nd")"), std::string::npos) << body;
  EXPECT_EQ(nlohmann::json::parse(body)["attempts"][0]["twilio_sid"], message.twilio_sid);
}

} // namespace
} // namespace verity::net
