#include "tests/storage/storage_samples.hpp"

#include <random>
#include <stdexcept>

#include <gtest/gtest.h>

namespace verity::storage::samples {

temp_directory::temp_directory() {
  std::random_device seed;
  path_ = std::filesystem::temp_directory_path()
          / ("verity-storage-" + std::to_string(seed()) + std::to_string(seed()));
  std::filesystem::create_directories(path_);
}

temp_directory::~temp_directory() {
  std::error_code ignored; // a destructor cannot report; a leftover temp dir is harmless
  std::filesystem::remove_all(path_, ignored);
}

std::unique_ptr<database> open_database(const std::filesystem::path& directory) {
  auto opened = database::open(directory);
  if (!opened)
    throw std::runtime_error(opened.error());
  return std::move(*opened);
}

timestamp at_ms(std::int64_t ms) {
  return timestamp{std::chrono::milliseconds{1'704'067'200'000 + ms}};
}

verification_record sample_verification(verification_status status, timestamp created,
                                         std::size_t messages) {
  verification_record record;
  record.id = verification_id::generate(0x01020304);
  record.phone = "+14155552671";
  record.preference = channel_preference::sms;
  record.fallback = fallback_policy::none;
  record.status = status;
  record.created_at = created;
  record.expires_at = created + std::chrono::minutes{10};
  record.wrong_checks = 2;
  for (std::size_t i = 0; i < record.salt.size(); ++i)
    record.salt[i] = static_cast<std::uint8_t>(i + 1);
  for (std::size_t i = 0; i < record.digest.size(); ++i)
    record.digest[i] = static_cast<std::uint8_t>(0xff - i);
  for (std::size_t i = 0; i < messages; ++i)
    record.messages.push_back(message_id::generate());
  record.locale = "pt-BR";
  record.why_channel = channel_reason::requested;
  return record;
}

message_record sample_message(const message_id& id, const verification_id& verification,
                              std::string twilio_sid) {
  message_record record;
  record.id = id;
  record.verification = verification;
  record.to = "+14155552671";
  record.via = channel::sms;
  record.twilio_sid = std::move(twilio_sid);
  record.delivery.merge({delivery_status::created, at_ms(1), 0});
  record.delivery.merge({delivery_status::queued, at_ms(20), 0});
  record.delivery.merge({delivery_status::failed, at_ms(300), 30008});
  record.delivery.merge({delivery_status::read, at_ms(4000), 0});
  record.as_template = true;
  record.tries = 3;
  record.create_error = 20429;
  return record;
}

phone_record sample_phone(std::string phone) {
  phone_record record;
  record.phone = std::move(phone);
  record.opted_out = true;
  record.whatsapp_window_until = at_ms(86'400'000);
  record.whatsapp_history = {{at_ms(-9), whatsapp_outcome::failed},
                             {at_ms(10), whatsapp_outcome::not_on_whatsapp}};
  record.recent_sends = {at_ms(-5), at_ms(0), at_ms(70'000)};
  verification_id::bytes_type latest{};
  latest.fill(0x0b);
  record.latest_verification = verification_id{latest};
  return record;
}

void expect_same(const verification_record& expected, const verification_record& actual) {
  EXPECT_EQ(actual.id, expected.id);
  EXPECT_EQ(actual.phone, expected.phone);
  EXPECT_EQ(actual.preference, expected.preference);
  EXPECT_EQ(actual.fallback, expected.fallback);
  EXPECT_EQ(actual.status, expected.status);
  EXPECT_EQ(actual.created_at, expected.created_at);
  EXPECT_EQ(actual.expires_at, expected.expires_at);
  EXPECT_EQ(actual.wrong_checks, expected.wrong_checks);
  EXPECT_EQ(actual.salt, expected.salt);
  EXPECT_EQ(actual.digest, expected.digest);
  EXPECT_EQ(actual.messages, expected.messages);
  EXPECT_EQ(actual.locale, expected.locale);
  EXPECT_EQ(actual.why_channel, expected.why_channel);
}

void expect_same(const message_record& expected, const message_record& actual) {
  EXPECT_EQ(actual.id, expected.id);
  EXPECT_EQ(actual.verification, expected.verification);
  EXPECT_EQ(actual.to, expected.to);
  EXPECT_EQ(actual.via, expected.via);
  EXPECT_EQ(actual.twilio_sid, expected.twilio_sid);
  EXPECT_TRUE(actual.delivery == expected.delivery);
  EXPECT_EQ(actual.as_template, expected.as_template);
  EXPECT_EQ(actual.tries, expected.tries);
  EXPECT_EQ(actual.create_error, expected.create_error);
  EXPECT_EQ(actual.not_sent, expected.not_sent);
}

void expect_same(const phone_record& expected, const phone_record& actual) {
  EXPECT_EQ(actual.phone, expected.phone);
  EXPECT_EQ(actual.opted_out, expected.opted_out);
  EXPECT_EQ(actual.whatsapp_window_until, expected.whatsapp_window_until);
  EXPECT_EQ(actual.whatsapp_history, expected.whatsapp_history);
  EXPECT_EQ(actual.recent_sends, expected.recent_sends);
  EXPECT_EQ(actual.latest_verification, expected.latest_verification);
}

} // namespace verity::storage::samples
