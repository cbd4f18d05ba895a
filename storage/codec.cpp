#include "storage/codec.hpp"

#include <limits>

#include "engine/channel_choice.hpp"
#include "storage/binary.hpp"

namespace verity::storage {

namespace {

// Enumerator counts of the stored enums; a decoder refuses anything at or above them.
constexpr std::size_t channel_count = 2;              // whatsapp, sms
constexpr std::size_t preference_count = 3;           // automatic, whatsapp, sms
constexpr std::size_t fallback_count = 3;             // manual, automatic, none
constexpr std::size_t verification_status_count = 6;  // pending .. failed
constexpr std::size_t not_sent_reason_count = 4;      // none .. send_limit
constexpr std::size_t whatsapp_outcome_count = 3;     // delivered, failed, not_on_whatsapp

constexpr auto max_u16 = std::numeric_limits<std::uint16_t>::max();
constexpr auto max_u32 = std::numeric_limits<std::uint32_t>::max();
constexpr auto max_size = std::numeric_limits<std::size_t>::max();

/// Bytes of one message id in a verification's list.
constexpr std::size_t id_size = 16;

/// Fewest bytes of one header: two empty texts.

/// Fewest bytes of one seen status: status, time and error code of one byte each.
constexpr std::size_t min_seen_size = 3;

template <class Enum>
std::uint8_t byte_of(Enum value) {
  return static_cast<std::uint8_t>(value);
}

/// A writer that has written the version byte.
byte_writer versioned_writer(std::uint8_t version = format_version) {
  byte_writer out;
  out.u8(version);
  return out;
}

/// Reads the version byte; any other version is a failure.
void read_version(byte_reader& in, std::uint8_t version = format_version) {
  if (in.u8() != version && !in.failed())
    in.fail("unknown format version");
}

/// True while the code of a verification in `status` can still be checked (see codec.hpp).
bool keeps_code(verification_status status) {
  return status == verification_status::pending || status == verification_status::approved;
}

void write_code(byte_writer& out, const verification_record& record) {
  bool keep = keeps_code(record.status);
  out.flag(keep);
  if (!keep)
    return;
  out.fixed(record.salt);
  out.fixed(record.digest);
}

void read_code(byte_reader& in, verification_record& record) {
  if (!in.flag())
    return;
  if (!keeps_code(record.status))
    in.fail("code kept for a finished verification");
  record.salt = in.fixed<std::tuple_size_v<code_salt>>();
  record.digest = in.fixed<std::tuple_size_v<code_digest>>();
}

void write_delivery(byte_writer& out, const delivery_state& state) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < delivery_status_count; ++i)
    seen += state.first_seen(static_cast<delivery_status>(i)) ? 1 : 0;
  out.varint(seen);
  for (std::size_t i = 0; i < delivery_status_count; ++i) {
    auto status = static_cast<delivery_status>(i);
    auto at = state.first_seen(status);
    if (!at)
      continue;
    out.u8(byte_of(status));
    out.time(*at);
    out.varint(state.error_code_of(status));
  }
}

delivery_state read_delivery(byte_reader& in) {
  delivery_state state;
  auto seen = in.count(min_seen_size, delivery_status_count);
  std::optional<delivery_status> previous;
  for (std::size_t i = 0; i < seen && !in.failed(); ++i) {
    status_event event;
    event.status = in.enumerator<delivery_status>(delivery_status_count);
    event.at = in.time();
    event.error_code = static_cast<std::uint32_t>(in.varint(max_u32));
    if (previous && *previous >= event.status)
      in.fail("seen statuses out of order");
    previous = event.status;
    state.merge(event);
  }
  return state;
}

/// A phone's WhatsApp outcomes: count, then per outcome (outcome, time).
std::vector<whatsapp_evidence> read_whatsapp_history(byte_reader& in) {
  constexpr std::size_t min_evidence_size = 2; // outcome and a one-byte time
  auto count = in.count(min_evidence_size, whatsapp_evidence_kept);
  std::vector<whatsapp_evidence> history;
  for (std::size_t i = 0; i < count && !in.failed(); ++i) {
    whatsapp_evidence evidence;
    evidence.outcome = in.enumerator<whatsapp_outcome>(whatsapp_outcome_count);
    evidence.at = in.time();
    history.push_back(evidence);
  }
  return history;
}

} // namespace

std::string encode(const verification_record& record) {
  auto out = versioned_writer(verification_format_version);
  out.id(record.id);
  out.text(record.phone);
  out.u8(byte_of(record.preference));
  out.u8(byte_of(record.fallback));
  out.u8(byte_of(record.status));
  out.time(record.created_at);
  out.time(record.expires_at);
  out.varint(record.wrong_checks);
  write_code(out, record);
  out.varint(record.messages.size());
  for (const auto& id : record.messages)
    out.id(id);
  out.text(record.locale);
  out.u8(byte_of(record.why_channel));
  return std::move(out).take();
}

tl::expected<verification_record, decode_error> decode_verification(std::string_view bytes) {
  byte_reader in{bytes};
  auto version = in.u8();
  if (version != format_version && version != verification_format_version && !in.failed())
    in.fail("unknown format version");
  verification_record record;
  record.id = in.id<id_kind::verification>();
  record.phone = in.text();
  record.preference = in.enumerator<channel_preference>(preference_count);
  record.fallback = in.enumerator<fallback_policy>(fallback_count);
  record.status = in.enumerator<verification_status>(verification_status_count);
  record.created_at = in.time();
  record.expires_at = in.time();
  record.wrong_checks = static_cast<std::uint32_t>(in.varint(max_u32));
  read_code(in, record);
  auto messages = in.count(id_size, max_size);
  record.messages.reserve(messages);
  for (std::size_t i = 0; i < messages; ++i)
    record.messages.push_back(in.id<id_kind::message>());
  record.locale = in.text();
  if (version == verification_format_version)
    record.why_channel = in.enumerator<channel_reason>(channel_reason_count);
  else
    record.why_channel = derived_reason(record.preference);
  return in.finish(std::move(record));
}

std::string encode(const message_record& record) {
  bool not_sent = record.not_sent != not_sent_reason::none;
  auto out = versioned_writer(not_sent ? message_not_sent_format_version : format_version);
  out.id(record.id);
  out.id(record.verification);
  out.text(record.to);
  out.u8(byte_of(record.via));
  out.text(record.twilio_sid);
  write_delivery(out, record.delivery);
  out.flag(record.as_template);
  out.varint(record.tries);
  out.varint(record.create_error);
  if (not_sent)
    out.u8(byte_of(record.not_sent));
  return std::move(out).take();
}

tl::expected<message_record, decode_error> decode_message(std::string_view bytes) {
  byte_reader in{bytes};
  auto version = in.u8();
  if (version != format_version && version != message_not_sent_format_version && !in.failed())
    in.fail("unknown format version");
  message_record record;
  record.id = in.id<id_kind::message>();
  record.verification = in.id<id_kind::verification>();
  record.to = in.text();
  record.via = in.enumerator<channel>(channel_count);
  record.twilio_sid = in.text();
  record.delivery = read_delivery(in);
  record.as_template = in.flag();
  record.tries = static_cast<std::uint16_t>(in.varint(max_u16));
  record.create_error = static_cast<std::uint32_t>(in.varint(max_u32));
  if (version == message_not_sent_format_version) {
    record.not_sent = in.enumerator<not_sent_reason>(not_sent_reason_count);
    if (record.not_sent == not_sent_reason::none && !in.failed())
      in.fail("version 2 message without a not-sent reason");
  }
  return in.finish(std::move(record));
}

std::string encode(const phone_record& record) {
  auto out = versioned_writer(phone_format_version);
  out.text(record.phone);
  out.flag(record.opted_out);
  out.flag(record.whatsapp_window_until.has_value());
  if (record.whatsapp_window_until)
    out.time(*record.whatsapp_window_until);
  out.varint(record.whatsapp_history.size());
  for (const auto& evidence : record.whatsapp_history) {
    out.u8(byte_of(evidence.outcome));
    out.time(evidence.at);
  }
  out.varint(record.recent_sends.size());
  for (auto at : record.recent_sends)
    out.time(at);
  out.flag(record.latest_verification.has_value());
  if (record.latest_verification)
    out.id(*record.latest_verification);
  return std::move(out).take();
}

tl::expected<phone_record, decode_error> decode_phone(std::string_view bytes) {
  byte_reader in{bytes};
  auto version = in.u8();
  if ((version == 0 || version > phone_format_version) && !in.failed())
    in.fail("unknown format version");
  phone_record record;
  record.phone = in.text();
  record.opted_out = in.flag();
  if (in.flag())
    record.whatsapp_window_until = in.time();
  if (version == phone_format_version)
    record.whatsapp_history = read_whatsapp_history(in);
  else if (in.flag()) // the sticky "not on WhatsApp" bit of versions 1 and 2: undated
    record.whatsapp_history.push_back({timestamp{}, whatsapp_outcome::not_on_whatsapp});
  auto sends = in.count(1, max_size);
  record.recent_sends.reserve(sends);
  for (std::size_t i = 0; i < sends; ++i)
    record.recent_sends.push_back(in.time());
  if (version >= phone_latest_format_version && in.flag())
    record.latest_verification = in.id<id_kind::verification>();
  return in.finish(std::move(record));
}

std::string encode(const idempotency_record& record) {
  auto out = versioned_writer(idempotency_format_version);
  out.text(record.key);
  out.text(record.fingerprint);
  out.time(record.created_at);
  out.id(record.verification);
  return std::move(out).take();
}

tl::expected<idempotency_record, decode_error> decode_idempotency(std::string_view bytes) {
  byte_reader in{bytes};
  read_version(in, idempotency_format_version);
  idempotency_record record;
  record.key = in.text();
  record.fingerprint = in.text();
  record.created_at = in.time();
  record.verification = in.id<id_kind::verification>();
  return in.finish(std::move(record));
}

std::string encode_history_value(std::uint32_t error_code) {
  auto out = versioned_writer();
  out.varint(error_code);
  return std::move(out).take();
}

tl::expected<std::uint32_t, decode_error> decode_history_value(std::string_view bytes) {
  byte_reader in{bytes};
  read_version(in);
  auto code = static_cast<std::uint32_t>(in.varint(max_u32));
  return in.finish(code);
}

} // namespace verity::storage
