#include "storage/codec.hpp"

#include <random>

#include <gtest/gtest.h>

#include "engine/channel_choice.hpp"
#include "storage/binary.hpp"
#include "tests/storage/storage_samples.hpp"

namespace verity::storage {
namespace {

using samples::at_ms;
using samples::expect_same;

/// Every strict prefix of `bytes` must be refused by `decode`.
template <class Decode>
void expect_every_truncation_refused(const std::string& bytes, Decode decode) {
  for (std::size_t size = 0; size < bytes.size(); ++size)
    EXPECT_FALSE(decode(std::string_view{bytes}.substr(0, size))) << "prefix of " << size;
}

/// Decodes every single-byte corruption of `bytes`: each must either decode or be refused,
/// never crash or read beyond the input (run under a sanitizer to see the latter).
template <class Decode>
void decode_every_corruption(const std::string& bytes, Decode decode) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (int value : {0x00, 0x01, 0x02, 0x7f, 0x80, 0xfe, 0xff}) {
      auto corrupt = bytes;
      corrupt[i] = static_cast<char>(value);
      auto decoded = decode(corrupt);
      EXPECT_TRUE(decoded || !decoded.error().empty());
    }
  }
}

TEST(codec, pending_verification_round_trips_every_field) {
  auto record = samples::sample_verification(verification_status::pending, at_ms(-7), 3);
  record.why_channel = channel_reason::auto_country_whatsapp_rate;
  auto bytes = encode(record);
  EXPECT_EQ(static_cast<std::uint8_t>(bytes[0]), verification_format_version);
  auto decoded = decode_verification(bytes);
  ASSERT_TRUE(decoded) << decoded.error();
  expect_same(record, *decoded);
}

TEST(codec, version_1_verifications_still_read_and_derive_their_channel_reason) {
  for (auto preference : {channel_preference::automatic, channel_preference::sms}) {
    auto record = samples::sample_verification(verification_status::pending, at_ms(3), 1);
    record.preference = preference;
    auto bytes = encode(record);
    bytes[0] = static_cast<char>(format_version);
    bytes.pop_back(); // version 1 ends after the locale
    auto decoded = decode_verification(bytes);
    ASSERT_TRUE(decoded) << decoded.error();
    record.why_channel = derived_reason(preference);
    expect_same(record, *decoded);
  }
  auto record = samples::sample_verification(verification_status::pending, at_ms(3), 1);
  auto bytes = encode(record);
  bytes.back() = static_cast<char>(channel_reason_count);
  EXPECT_FALSE(decode_verification(bytes));
}

TEST(codec, ended_verification_drops_its_code_hash_unless_approved) {
  auto pending = samples::sample_verification(verification_status::pending, at_ms(0), 1);
  for (auto status : {verification_status::expired, verification_status::max_attempts_reached,
                      verification_status::canceled, verification_status::failed}) {
    auto record = pending;
    record.status = status;
    auto bytes = encode(record);
    EXPECT_EQ(bytes.size() + record.salt.size() + record.digest.size(), encode(pending).size());
    auto decoded = decode_verification(bytes);
    ASSERT_TRUE(decoded) << decoded.error();
    record.salt = {};
    record.digest = {};
    expect_same(record, *decoded);
  }
}

TEST(codec, approved_verification_keeps_its_code_hash_to_confirm_it_again) {
  auto record = samples::sample_verification(verification_status::approved, at_ms(0), 1);
  auto decoded = decode_verification(encode(record));
  ASSERT_TRUE(decoded) << decoded.error();
  expect_same(record, *decoded);
  EXPECT_EQ(decoded->digest, record.digest);
}

TEST(codec, code_hash_of_a_finished_verification_is_refused) {
  auto record = samples::sample_verification(verification_status::pending, at_ms(0), 0);
  auto bytes = encode(record);
  // The status byte follows version, id, phone (length + 12 bytes), preference and fallback.
  auto status_at = 1 + 16 + 1 + record.phone.size() + 2;
  bytes[status_at] = static_cast<char>(verification_status::expired);
  auto decoded = decode_verification(bytes);
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().find("code"), std::string::npos) << decoded.error();
}

TEST(codec, message_round_trips_every_field_and_rebuilds_its_delivery_state) {
  auto record = samples::sample_message(message_id::generate(), verification_id::generate(),
                                        "SM0123456789abcdef0123456789abcdef");
  ASSERT_EQ(record.delivery.first_seen(delivery_status::delivered), at_ms(4000));
  auto decoded = decode_message(encode(record));
  ASSERT_TRUE(decoded) << decoded.error();
  expect_same(record, *decoded);
  EXPECT_EQ(decoded->delivery.current(), delivery_status::read);
  EXPECT_EQ(decoded->delivery.error_code_of(delivery_status::failed), 30008u);
  EXPECT_EQ(decoded->delivery.first_seen(delivery_status::delivered), at_ms(4000));
}

TEST(codec, fresh_message_round_trips) {
  message_record record;
  record.id = message_id::generate();
  record.verification = verification_id::generate();
  auto decoded = decode_message(encode(record));
  ASSERT_TRUE(decoded) << decoded.error();
  expect_same(record, *decoded);
  EXPECT_EQ(decoded->delivery.current(), delivery_status::created);
}

TEST(codec, a_message_never_sent_keeps_its_reason_in_format_version_2) {
  auto record = samples::sample_message(message_id::generate(), verification_id::generate(), "");
  record.not_sent = not_sent_reason::sender_rate;
  auto bytes = encode(record);
  EXPECT_EQ(static_cast<std::uint8_t>(bytes[0]), message_not_sent_format_version);
  auto decoded = decode_message(bytes);
  ASSERT_TRUE(decoded) << decoded.error();
  expect_same(record, *decoded);
  expect_every_truncation_refused(bytes, decode_message);
  // Version 2 exists for the reason alone: one without a reason, or out of range, is refused.
  for (char reason : {'\0', '\4'}) {
    auto other = bytes;
    other.back() = reason;
    EXPECT_FALSE(decode_message(other));
  }
}

TEST(codec, a_message_refused_by_the_send_limits_keeps_its_reason) {
  auto record = samples::sample_message(message_id::generate(), verification_id::generate(), "");
  record.not_sent = not_sent_reason::send_limit;
  auto decoded = decode_message(encode(record));
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(decoded->not_sent, not_sent_reason::send_limit);
}

TEST(codec, a_message_sent_as_usual_is_still_written_as_version_1) {
  // Messages stored before not-sent reasons existed decode unchanged, and a rollback reads
  // every message that carries none.
  auto record = samples::sample_message(message_id::generate(), verification_id::generate(), "SMx");
  auto bytes = encode(record);
  EXPECT_EQ(static_cast<std::uint8_t>(bytes[0]), format_version);
  auto decoded = decode_message(bytes);
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(decoded->not_sent, not_sent_reason::none);
  auto as_version_2 = bytes;
  as_version_2[0] = static_cast<char>(message_not_sent_format_version);
  EXPECT_FALSE(decode_message(as_version_2)) << "a version 2 message must carry its reason";
}

TEST(codec, phone_round_trips_with_and_without_window) {
  auto record = samples::sample_phone("+447700900123");
  auto decoded = decode_phone(encode(record));
  ASSERT_TRUE(decoded) << decoded.error();
  expect_same(record, *decoded);
  phone_record plain;
  plain.phone = "+447700900123";
  decoded = decode_phone(encode(plain));
  ASSERT_TRUE(decoded) << decoded.error();
  expect_same(plain, *decoded);
}

TEST(codec, phone_records_name_their_latest_verification) {
  auto record = samples::sample_phone("+447700900123");
  auto bytes = encode(record);
  EXPECT_EQ(static_cast<std::uint8_t>(bytes[0]), phone_format_version);
  auto decoded = decode_phone(bytes);
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(decoded->latest_verification, record.latest_verification);
  expect_every_truncation_refused(bytes, [](std::string_view b) { return decode_phone(b); });
}

TEST(codec, version_1_phone_records_still_read) {
  byte_writer out;
  out.u8(format_version);
  out.text("+15005550006");
  out.flag(true);  // opted out
  out.flag(false); // no window
  out.flag(false); // WhatsApp not known unreachable
  out.varint(1);
  out.time(at_ms(42));
  auto decoded = decode_phone(std::move(out).take());
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(decoded->phone, "+15005550006");
  EXPECT_TRUE(decoded->opted_out);
  EXPECT_EQ(decoded->recent_sends.size(), 1U);
  EXPECT_FALSE(decoded->latest_verification.has_value());
  EXPECT_TRUE(decoded->whatsapp_history.empty());
}

TEST(codec, version_2_phone_records_read_their_whatsapp_flag_as_long_decayed_evidence) {
  byte_writer out;
  out.u8(phone_latest_format_version);
  out.text("+15005550006");
  out.flag(false); // not opted out
  out.flag(false); // no window
  out.flag(true);  // WhatsApp said not a user, once, at a time not kept
  out.varint(0);
  out.flag(false); // no latest verification
  auto decoded = decode_phone(std::move(out).take());
  ASSERT_TRUE(decoded) << decoded.error();
  std::vector<whatsapp_evidence> expected{{timestamp{}, whatsapp_outcome::not_on_whatsapp}};
  EXPECT_EQ(decoded->whatsapp_history, expected);
}

TEST(codec, phone_records_keep_at_most_the_newest_whatsapp_outcomes) {
  byte_writer out;
  out.u8(phone_format_version);
  out.text("+15005550006");
  out.flag(false);
  out.flag(false);
  out.varint(whatsapp_evidence_kept + 1);
  for (std::size_t i = 0; i <= whatsapp_evidence_kept; ++i) {
    out.u8(0);
    out.time(at_ms(0));
  }
  out.varint(0);
  out.flag(false);
  EXPECT_FALSE(decode_phone(std::move(out).take()));
}

TEST(codec, history_value_round_trips) {
  for (std::uint32_t code : {0u, 1u, 127u, 128u, 63016u, 0xffffffffu}) {
    auto decoded = decode_history_value(encode_history_value(code));
    ASSERT_TRUE(decoded) << decoded.error();
    EXPECT_EQ(*decoded, code);
  }
}

/// An idempotency key with every field set.
idempotency_record sample_answer() {
  return {"1:order-42", "9f86d081884c7d65", at_ms(5'000), verification_id::generate(7)};
}

TEST(codec, idempotency_key_round_trips_every_field) {
  auto record = sample_answer();
  auto bytes = encode(record);
  EXPECT_EQ(static_cast<std::uint8_t>(bytes[0]), idempotency_format_version);
  auto decoded = decode_idempotency(bytes);
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(decoded->key, record.key);
  EXPECT_EQ(decoded->fingerprint, record.fingerprint);
  EXPECT_EQ(decoded->created_at, record.created_at);
  EXPECT_EQ(decoded->verification, record.verification);
  bytes[0] = static_cast<char>(format_version);
  EXPECT_FALSE(decode_idempotency(bytes)) << "a key stored as a rendered answer (version 1)";
  expect_every_truncation_refused(encode(record), decode_idempotency);
  EXPECT_FALSE(decode_idempotency(encode(record) + '\0')) << "trailing byte";
}

TEST(codec, truncated_input_is_refused_at_every_length) {
  auto verification = samples::sample_verification(verification_status::pending, at_ms(0), 2);
  auto message = samples::sample_message(message_id::generate(), verification.id, "SMx");
  expect_every_truncation_refused(encode(verification), decode_verification);
  expect_every_truncation_refused(encode(message), decode_message);
  expect_every_truncation_refused(encode(samples::sample_phone("+15005550006")), decode_phone);
  expect_every_truncation_refused(encode_history_value(30008), decode_history_value);
}

TEST(codec, unknown_version_and_trailing_bytes_are_refused) {
  auto bytes = encode(samples::sample_phone("+15005550006"));
  for (int version : {0, phone_format_version + 1, 0xff}) {
    auto other = bytes;
    other[0] = static_cast<char>(version);
    auto decoded = decode_phone(other);
    ASSERT_FALSE(decoded);
    EXPECT_NE(decoded.error().find("version"), std::string::npos) << decoded.error();
  }
  auto decoded = decode_phone(bytes + '\0');
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().find("trailing"), std::string::npos) << decoded.error();
}

TEST(codec, out_of_range_values_are_refused) {
  auto record = samples::sample_verification(verification_status::pending, at_ms(0), 0);
  auto bytes = encode(record);
  auto preference_at = 1 + 16 + 1 + record.phone.size();
  bytes[preference_at] = 3;
  EXPECT_FALSE(decode_verification(bytes));
  message_record message;
  message.id = message_id::generate();
  message.verification = record.id;
  message.tries = 65535;
  auto message_bytes = encode(message);
  // tries is the second-to-last field: 65535 is 3 varint bytes (ff ff 03); make it 65536.
  message_bytes[message_bytes.size() - 2] = 0x04;
  EXPECT_FALSE(decode_message(message_bytes));
}

TEST(codec, huge_counts_are_refused_without_allocating) {
  byte_writer out;
  out.u8(format_version);
  out.text("+15005550006");
  out.flag(false);
  out.flag(false);
  out.flag(false);
  out.varint(std::uint64_t{1} << 62); // recent sends "count"
  auto decoded = decode_phone(std::move(out).take());
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().find("count"), std::string::npos) << decoded.error();
}

TEST(codec, seen_statuses_must_ascend) {
  byte_writer out;
  out.u8(format_version);
  out.id(message_id::generate());
  out.id(verification_id::generate());
  out.text("+15005550006");
  out.u8(0);
  out.text("");
  out.varint(2);
  for (auto status : {delivery_status::sent, delivery_status::queued}) {
    out.u8(static_cast<std::uint8_t>(status));
    out.time(at_ms(0));
    out.varint(0);
  }
  out.flag(false);
  out.varint(1);
  out.varint(0);
  auto decoded = decode_message(std::move(out).take());
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().find("order"), std::string::npos) << decoded.error();
}

TEST(codec, corrupt_bytes_never_crash) {
  auto verification = samples::sample_verification(verification_status::pending, at_ms(0), 2);
  decode_every_corruption(encode(verification), decode_verification);
  decode_every_corruption(encode(samples::sample_message(message_id::generate(),
                                                         verification.id, "SMx")),
                          decode_message);
  decode_every_corruption(encode(samples::sample_phone("+15005550006")), decode_phone);
  std::mt19937 random{7};
  for (int i = 0; i < 5000; ++i) {
    std::string noise(random() % 120, '\0');
    for (auto& c : noise)
      c = static_cast<char>(random());
    if (!noise.empty())
      noise[0] = static_cast<char>(format_version);
    EXPECT_FALSE(decode_verification(noise) && decode_message(noise) && decode_phone(noise));
  }
}

TEST(codec_binary, varints_must_be_minimal_and_fit_64_bits) {
  auto read = [](std::string bytes) {
    byte_reader in{bytes};
    auto value = in.varint(std::numeric_limits<std::uint64_t>::max());
    return in.finish(value);
  };
  EXPECT_EQ(read("\x7f"), 127u);
  EXPECT_EQ(read(std::string("\x80\x01", 2)), 128u);
  EXPECT_FALSE(read(std::string("\x80\x00", 2)));  // 0 written in two bytes
  EXPECT_FALSE(read(std::string("\xff\x80\x00", 3)));
  EXPECT_FALSE(read(std::string(10, '\xff')));     // more than 64 bits
  EXPECT_FALSE(read(std::string(9, '\xff') + '\x02'));
  EXPECT_EQ(read(std::string(9, '\xff') + '\x01'), std::numeric_limits<std::uint64_t>::max());
  EXPECT_FALSE(read("\x80"));                      // truncated
}

TEST(codec_binary, times_round_trip_including_negative_and_extreme_values) {
  for (std::int64_t ms : {std::numeric_limits<std::int64_t>::min(), std::int64_t{-1},
                          std::int64_t{0}, std::int64_t{1}, std::int64_t{1'704'067'200'000},
                          std::numeric_limits<std::int64_t>::max()}) {
    byte_writer out;
    out.time(timestamp{std::chrono::milliseconds{ms}});
    auto bytes = std::move(out).take();
    byte_reader in{bytes};
    auto at = in.time();
    auto read = in.finish(at);
    ASSERT_TRUE(read) << read.error();
    EXPECT_EQ(read->time_since_epoch().count(), ms);
  }
}

} // namespace
} // namespace verity::storage
