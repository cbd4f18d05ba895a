#pragma once

// How CAF inspects Verity's message types (CAF 0.17 `inspect` form): what makes them
// serializable, printable in CAF's diagnostics and eligible for the type ID block in
// actors/actors.hpp. The domain types stay free of CAF; their inspection lives here.

#include <chrono>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <caf/error.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>

#include "actors/messages.hpp"
#include "engine/delivery_status.hpp"
#include "engine/id.hpp"
#include "engine/stats.hpp"
#include "engine/verification.hpp"

namespace verity {

/// An optional member as CAF sees it: a presence flag, then the value (default when absent).
/// CAF 0.17 knows no std::optional; wrap a member in it to inspect it.
template <class T>
struct optional_field {
  std::optional<T>& value;
};

template <class Inspector, class T>
typename Inspector::result_type inspect(Inspector& f, optional_field<T>& x) {
  bool present = x.value.has_value();
  T value = present ? *x.value : T{};
  return f(present, value, caf::meta::load_callback([&]() -> caf::error {
             x.value = present ? std::optional<T>{std::move(value)} : std::nullopt;
             return caf::none;
           }));
}

/// A secret member (a code in plaintext, or a text holding one): serialized as it is, but shown as "<redacted>" when
/// CAF renders a message as text (its text inspector returns void), so no diagnostic prints it.
struct redacted_field {
  std::string& value;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, redacted_field& x) {
  if constexpr (std::is_void_v<typename Inspector::result_type>) {
    std::string shown = x.value.empty() ? "" : "<redacted>";
    return f(shown);
  } else {
    return f(x.value);
  }
}

template <class Inspector, id_kind Kind>
typename Inspector::result_type inspect(Inspector& f, basic_id<Kind>& x) {
  auto bytes = x.bytes();
  return f(caf::meta::type_name(Kind == id_kind::verification ? "verification_id" : "message_id"),
           bytes, caf::meta::load_callback([&]() -> caf::error {
             x = basic_id<Kind>{bytes};
             return caf::none;
           }));
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, status_event& x) {
  return f(caf::meta::type_name("status_event"), x.status, x.at, x.error_code);
}

/// A delivery state travels as the events it has seen, and is rebuilt by merging them.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, delivery_state& x) {
  auto events = seen_events(x);
  return f(caf::meta::type_name("delivery_state"), events,
           caf::meta::load_callback([&]() -> caf::error {
             x = delivery_state{};
             for (const auto& event : events)
               x.merge(event);
             return caf::none;
           }));
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, whatsapp_evidence& x) {
  return f(caf::meta::type_name("whatsapp_evidence"), x.at, x.outcome);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, message_record& x) {
  return f(caf::meta::type_name("message_record"), x.id, x.verification, x.to, x.via,
           x.twilio_sid, x.delivery, x.as_template, x.tries, x.create_error, x.not_sent);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, verification_record& x) {
  return f(caf::meta::type_name("verification_record"), x.id, x.phone, x.preference, x.fallback,
           x.status, x.created_at, x.expires_at, x.wrong_checks, x.salt, x.digest, x.messages,
           x.locale, x.why_channel);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, verification_view& x) {
  return f(caf::meta::type_name("verification_view"), x.verification, x.attempts);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, check_result& x) {
  return f(caf::meta::type_name("check_result"), x.status, x.valid, x.attempts_left);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, phone_record& x) {
  optional_field<timestamp> window{x.whatsapp_window_until};
  optional_field<verification_id> latest{x.latest_verification};
  return f(caf::meta::type_name("phone_record"), x.phone, x.opted_out, window,
           x.whatsapp_history, x.recent_sends, latest);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, phone_code_check& x) {
  redacted_field code{x.code};
  return f(caf::meta::type_name("phone_code_check"), x.phone, code);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, phone_check_result& x) {
  return f(caf::meta::type_name("phone_check_result"), x.id, x.result);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, channel_stats& x) {
  return f(caf::meta::type_name("channel_stats"), x.total, x.delivered, x.read, x.failed,
           x.pending, x.avg_delivery_ms, x.p95_delivery_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stats_report& x) {
  return f(caf::meta::type_name("stats_report"), x.window_days, x.channels, x.status_breakdown,
           x.error_codes);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, phone_stats_report& x) {
  return f(caf::meta::type_name("phone_stats_report"), x.stats, x.recent);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stats_query& x) {
  return f(caf::meta::type_name("stats_query"), x.days, x.now);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, phone_stats_query& x) {
  return f(caf::meta::type_name("phone_stats_query"), x.phone, x.days, x.now);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, verification_request& x) {
  optional_field<fallback_policy> fallback{x.fallback};
  return f(caf::meta::type_name("verification_request"), x.phone, x.preference, fallback,
           x.locale, x.idempotency_key, x.idempotency_fingerprint);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, verification_query& x) {
  optional_field<delivery_status> seen{x.seen};
  return f(caf::meta::type_name("verification_query"), x.id, x.wait, seen);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, status_callback& x) {
  return f(caf::meta::type_name("status_callback"), x.message, x.phone, x.twilio_sid, x.status,
           x.error_code, x.at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, inbound_message& x) {
  return f(caf::meta::type_name("inbound_message"), x.phone, x.whatsapp, x.action, x.at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, outbound_message& x) {
  redacted_field body{x.body}; // holds the code too
  redacted_field code{x.code};
  return f(caf::meta::type_name("outbound_message"), x.id, x.via, x.to, body, x.as_template,
           code);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, create_result& x) {
  return f(caf::meta::type_name("create_result"), x.http_status, x.error_code, x.error_message,
           x.sid, x.status, x.retry_after, x.withdrawn);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, idempotency_query& x) {
  return f(caf::meta::type_name("idempotency_query"), x.key);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, idempotency_record& x) {
  return f(caf::meta::type_name("idempotency_record"), x.key, x.fingerprint, x.created_at,
           x.verification);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, message_write& x) {
  optional_field<message_record> previous{x.previous};
  return f(caf::meta::type_name("message_write"), x.record, previous);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, write_batch& x) {
  optional_field<timestamp> probe{x.readiness_probe};
  return f(caf::meta::type_name("write_batch"), x.verifications, x.messages, x.phones, x.answers,
           probe);
}

} // namespace verity
