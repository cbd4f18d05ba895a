#include "engine/verification.hpp"

#include <algorithm>
#include <array>

namespace verity {

namespace {

constexpr std::array<std::string_view, 2> channel_names = {"whatsapp", "sms"};
constexpr std::array<std::string_view, 3> preference_names = {"auto", "whatsapp", "sms"};
constexpr std::array<std::string_view, 4> not_sent_names = {"", "sender_rate", "egress_busy",
                                                            "send_limit"};
constexpr std::array<std::string_view, 6> status_names = {
  "pending", "approved", "expired", "max_attempts_reached", "canceled", "failed",
};

/// The enumerator whose name is `text` in `names`, if any.
template <class Enum, std::size_t N>
std::optional<Enum> parse_name(const std::array<std::string_view, N>& names,
                               std::string_view text) {
  auto found = std::find(names.begin(), names.end(), text);
  if (found == names.end())
    return std::nullopt;
  return static_cast<Enum>(found - names.begin());
}

} // namespace

std::string_view to_string(channel via) {
  return channel_names[static_cast<std::size_t>(via)];
}

std::optional<channel> parse_channel(std::string_view text) {
  return parse_name<channel>(channel_names, text);
}

std::string_view to_string(channel_preference preference) {
  return preference_names[static_cast<std::size_t>(preference)];
}

std::optional<channel_preference> parse_channel_preference(std::string_view text) {
  return parse_name<channel_preference>(preference_names, text);
}

channel first_channel(channel_preference preference) {
  return preference == channel_preference::sms ? channel::sms : channel::whatsapp;
}

std::string_view to_string(verification_status status) {
  return status_names[static_cast<std::size_t>(status)];
}

std::string_view to_string(not_sent_reason reason) {
  return not_sent_names[static_cast<std::size_t>(reason)];
}

std::uint32_t message_record::error_code() const {
  auto from_callback = delivery.error_code();
  return from_callback != 0 ? from_callback : create_error;
}

ended_check_outcome check_ended(const verification_record& record, bool code_matches,
                                timestamp now, std::uint32_t max_checks) {
  if (record.status == verification_status::max_attempts_reached)
    return ended_check_outcome::max_attempts;
  if (record.status != verification_status::approved || now >= record.expires_at)
    return ended_check_outcome::not_found;
  if (record.wrong_checks >= max_checks)
    return ended_check_outcome::max_attempts;
  return code_matches ? ended_check_outcome::confirmed_again : ended_check_outcome::wrong_code;
}

delivery_status verification_view::latest_delivery() const {
  return attempts.empty() ? delivery_status::created : attempts.back().delivery.current();
}

verification_view as_created(verification_view view) {
  auto& record = view.verification;
  record.status = verification_status::pending;
  record.wrong_checks = 0;
  if (record.messages.size() > 1)
    record.messages.resize(1);
  if (view.attempts.size() > 1)
    view.attempts.resize(1);
  for (auto& first : view.attempts) {
    auto created = first.delivery.first_seen(delivery_status::created);
    first.delivery = delivery_state{};
    if (created)
      first.delivery.merge(status_event{delivery_status::created, *created, 0});
    first.twilio_sid.clear();
    first.tries = 0;
    first.create_error = 0;
  }
  return view;
}

} // namespace verity
