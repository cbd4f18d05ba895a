#include "storage/keys.hpp"

#include <algorithm>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace verity::storage {
namespace {

timestamp ms(std::int64_t value) {
  return timestamp{std::chrono::milliseconds{value}};
}

std::string raw(const std::array<std::uint8_t, 16>& bytes) {
  return {bytes.begin(), bytes.end()};
}

TEST(keys, ids_are_their_sixteen_raw_bytes) {
  auto verification = verification_id::generate();
  auto message = message_id::generate();
  EXPECT_EQ(verification_key(verification), raw(verification.bytes()));
  EXPECT_EQ(message_key(message), raw(message.bytes()));
  EXPECT_EQ(parse_verification_key(verification_key(verification)), verification);
  EXPECT_EQ(parse_message_key(message_key(message)), message);
}

TEST(keys, id_parsers_refuse_every_other_size) {
  for (std::size_t size = 0; size < 40; ++size) {
    if (size == 16)
      continue;
    std::string other(size, '\x7f');
    EXPECT_FALSE(parse_verification_key(other)) << size;
    EXPECT_FALSE(parse_message_key(other)) << size;
  }
}

TEST(keys, texts_are_stored_as_they_are) {
  EXPECT_EQ(twilio_sid_key("SM0123456789abcdef0123456789abcdef"),
            "SM0123456789abcdef0123456789abcdef");
  EXPECT_EQ(phone_key("+14155552671"), "+14155552671");
}

TEST(keys, time_fields_are_eight_big_endian_bytes) {
  auto field = encode_time(ms(0x0102030405));
  ASSERT_EQ(field.size(), time_key_size);
  EXPECT_EQ(field, std::string("\x80\x00\x00\x01\x02\x03\x04\x05", 8));
}

TEST(keys, time_byte_order_equals_numeric_order) {
  std::vector<std::int64_t> values = {std::numeric_limits<std::int64_t>::min(), -1'000'000, -256,
                                      -255, -1, 0, 1, 255, 256, 65'535, 65'536,
                                      1'704'067'200'000, std::numeric_limits<std::int64_t>::max()};
  std::mt19937_64 random{42};
  for (int i = 0; i < 2000; ++i)
    values.push_back(static_cast<std::int64_t>(random()) >> (random() % 64));
  for (std::size_t i = 0; i + 1 < values.size(); ++i) {
    auto a = values[i];
    auto b = values[i + 1];
    EXPECT_EQ(a < b, encode_time(ms(a)) < encode_time(ms(b))) << a << " vs " << b;
    EXPECT_EQ(a == b, encode_time(ms(a)) == encode_time(ms(b))) << a << " vs " << b;
  }
}

TEST(keys, history_keys_group_by_message_then_sort_by_time_then_status) {
  auto message = message_id::generate();
  auto key = history_key(message, ms(1000), delivery_status::sent);
  ASSERT_EQ(key.size(), 16 + time_key_size + 1);
  EXPECT_EQ(key.substr(0, 16), message_key(message));
  EXPECT_EQ(key.substr(16, time_key_size), encode_time(ms(1000)));
  EXPECT_EQ(static_cast<delivery_status>(key.back()), delivery_status::sent);
  EXPECT_LT(history_key(message, ms(999), delivery_status::read), key);
  EXPECT_LT(key, history_key(message, ms(1000), delivery_status::delivered));
  EXPECT_LT(key, history_key(message, ms(1001), delivery_status::created));
}

TEST(keys, created_keys_sort_by_time_and_parse_back) {
  auto first = verification_id::generate();
  auto second = verification_id::generate();
  auto early = created_key(ms(-5), second);
  auto late = created_key(ms(70'000), first);
  ASSERT_EQ(early.size(), created_key_size);
  EXPECT_LT(early, late);
  EXPECT_LT(late, encode_time(ms(70'001)));
  EXPECT_GT(late, encode_time(ms(70'000)));
  auto parsed = parse_created_key(late);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->created_at, ms(70'000));
  EXPECT_EQ(parsed->id, first);
  EXPECT_FALSE(parse_created_key(late.substr(1)));
  EXPECT_FALSE(parse_created_key(late + "x"));
}

} // namespace
} // namespace verity::storage
