#include "actors/phone_state.hpp"

#include <algorithm>

#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "engine/routing.hpp"

namespace verity {

namespace {

using std::chrono::milliseconds;

} // namespace

verification_view live_verification::view() const {
  return {record, attempts};
}

std::optional<std::size_t> live_verification::attempt_index(const message_id& id) const {
  for (std::size_t i = 0; i < attempts.size(); ++i)
    if (attempts[i].id == id)
      return i;
  return std::nullopt;
}

bool live_verification::mark_failure_handled(std::size_t index) {
  auto bit = std::uint64_t{1} << (index % 64);
  if (handled_failures & bit)
    return false;
  handled_failures |= bit;
  return true;
}

void live_verification::restore_followups() {
  for (std::size_t i = 0; i + 1 < attempts.size(); ++i) {
    if (is_failure(attempts[i].delivery.current()))
      mark_failure_handled(i);
  }
  bool whatsapp_before = false;
  for (const auto& attempt : attempts) {
    fell_back = fell_back || (whatsapp_before && attempt.via == channel::sms);
    whatsapp_before = whatsapp_before || attempt.via == channel::whatsapp;
  }
}

std::size_t live_verification::attempts_over(channel via) const {
  return static_cast<std::size_t>(std::count_if(
    attempts.begin(), attempts.end(), [via](const message_record& m) { return m.via == via; }));
}

phone_state::~phone_state() {
  for (auto& verification : live)
    for (auto& actor : verification.actors)
      caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
}

live_verification* phone_state::find_live(const verification_id& id) {
  for (auto& verification : live)
    if (verification.record.id == id)
      return &verification;
  return nullptr;
}

std::pair<live_verification*, std::size_t> phone_state::find_message(const message_id& id) {
  for (auto& verification : live)
    if (auto index = verification.attempt_index(id))
      return {&verification, *index};
  return {nullptr, 0};
}

void phone_state::erase_live(const verification_id& id) {
  std::erase_if(live, [&id](const live_verification& v) { return v.record.id == id; });
}

std::uint32_t phone_state::routing_key() const {
  return phone_routing_key(settings->secret, phone);
}

milliseconds phone_state::send_limit_wait(timestamp now) {
  auto window = settings->send_limit.window;
  std::erase_if(record.recent_sends, [&](timestamp sent) { return sent + window <= now; });
  if (record.recent_sends.size() < settings->send_limit.count)
    return milliseconds{0};
  auto oldest = *std::min_element(record.recent_sends.begin(), record.recent_sends.end());
  return std::max(milliseconds{1}, oldest + window - now);
}

bool phone_state::whatsapp_window_open(timestamp now) const {
  return record.whatsapp_window_until && *record.whatsapp_window_until > now;
}

live_verification phone_state::make_verification(const verification_request& request,
                                                 timestamp now,
                                                 caf::actor_clock::time_point clock_now) const {
  live_verification verification;
  auto& fresh = verification.record;
  fresh.id = verification_id::generate(routing_key());
  fresh.phone = phone;
  fresh.preference = request.preference;
  fresh.fallback = request.fallback.value_or(settings->fallback);
  fresh.created_at = now;
  fresh.expires_at = now + settings->code_ttl;
  fresh.locale = request.locale;
  verification.code_deadline = clock_now + settings->code_ttl;
  renew_code(verification);
  return verification;
}

void phone_state::renew_code(live_verification& verification) const {
  verification.code = generate_code(static_cast<int>(settings->code_length));
  verification.record.salt = code_hasher::make_salt();
  verification.record.digest = settings->hasher->digest(verification.code, verification.record.salt);
}

message_record& phone_state::add_attempt(live_verification& verification, channel via,
                                         timestamp now) {
  auto& message = append_attempt(verification, via, now);
  record.recent_sends.push_back(now);
  return message;
}

message_record& phone_state::add_refused_attempt(live_verification& verification, channel via,
                                                 timestamp now) {
  auto& message = append_attempt(verification, via, now);
  message.not_sent = not_sent_reason::send_limit;
  message.delivery.merge({delivery_status::failed, now, 0});
  return message;
}

message_record& phone_state::append_attempt(live_verification& verification, channel via,
                                            timestamp now) const {
  message_record message;
  message.id = message_id::generate(routing_key());
  message.verification = verification.record.id;
  message.to = phone;
  message.via = via;
  message.as_template = via == channel::whatsapp && settings->whatsapp_template
                        && !whatsapp_window_open(now);
  message.delivery.merge({delivery_status::created, now, 0});
  verification.record.messages.push_back(message.id);
  verification.attempts.push_back(std::move(message));
  return verification.attempts.back();
}

failure_followup phone_state::followup_for(const live_verification& verification,
                                           const message_record& message) const {
  failed_attempt attempt;
  attempt.via = message.via;
  attempt.timed_out = message.delivery.current() == delivery_status::timed_out;
  attempt.error_code = message.error_code();
  attempt.as_template = message.as_template;
  attempt.latest = !verification.attempts.empty() && verification.attempts.back().id == message.id;
  attempt.attempts_over_channel = verification.attempts_over(message.via);
  attempt.refused = message.not_sent == not_sent_reason::send_limit;
  return decide_followup(attempt, {verification.record.fallback, verification.fell_back,
                                   settings->max_attempts_per_channel,
                                   settings->whatsapp_template});
}

} // namespace verity
