#include "engine/form.hpp"

#include <string>

#include <gtest/gtest.h>

namespace verity {
namespace {

/// Parses `body` and expects success; returns the params (empty on failure, with a test failure).
form_params parsed(std::string_view body) {
  auto result = parse_form(body);
  EXPECT_TRUE(result.has_value()) << "body: " << body << ", error: "
                                  << (result ? std::string() : result.error());
  return result.value_or(form_params{});
}

/// Parses `body` and expects failure; returns the reason ("" on success, with a test failure).
std::string refused(std::string_view body) {
  const auto result = parse_form(body);
  EXPECT_FALSE(result.has_value()) << "body: " << body;
  return result ? std::string() : result.error();
}

// --- parse_form ---------------------------------------------------------------------------------

TEST(parse_form, twilio_status_callback) {
  const auto params = parsed("MessageSid=SM123&MessageStatus=delivered&To=whatsapp%3A%2B15552229999"
                             "&ApiVersion=2010-04-01");
  const form_params expected{{"MessageSid", "SM123"},
                             {"MessageStatus", "delivered"},
                             {"To", "whatsapp:+15552229999"},
                             {"ApiVersion", "2010-04-01"}};
  EXPECT_EQ(params, expected);
}

TEST(parse_form, plus_is_space_and_escapes_are_bytes) {
  EXPECT_EQ(parsed("Body=Your+code+is%3A+409173"), (form_params{{"Body", "Your code is: 409173"}}));
  EXPECT_EQ(parsed("a%2Bb=c%2bd"), (form_params{{"a+b", "c+d"}}));
  EXPECT_EQ(parsed("k=%e2%9c%85%E2%9C%85"), (form_params{{"k", "\u2705\u2705"}}));
  EXPECT_EQ(parsed("k=%00"), (form_params{{"k", std::string(1, '\0')}}));
  EXPECT_EQ(parsed("k=%26%3D"), (form_params{{"k", "&="}}));
}

TEST(parse_form, raw_utf8_passes_through) {
  EXPECT_EQ(parsed("Body=h\xc3\xa9llo"), (form_params{{"Body", "h\xc3\xa9llo"}}));
}

TEST(parse_form, empty_body_and_empty_pairs) {
  EXPECT_TRUE(parsed("").empty());
  EXPECT_TRUE(parsed("&").empty());
  EXPECT_TRUE(parsed("&&&").empty());
  EXPECT_EQ(parsed("&a=1&&b=2&"), (form_params{{"a", "1"}, {"b", "2"}}));
}

TEST(parse_form, missing_equals_and_empty_parts) {
  EXPECT_EQ(parsed("a"), (form_params{{"a", ""}}));
  EXPECT_EQ(parsed("a&b=2"), (form_params{{"a", ""}, {"b", "2"}}));
  EXPECT_EQ(parsed("a="), (form_params{{"a", ""}}));
  EXPECT_EQ(parsed("=v"), (form_params{{"", "v"}}));
  EXPECT_EQ(parsed("a=b=c"), (form_params{{"a", "b=c"}}));
}

TEST(parse_form, repeated_keys_keep_order) {
  EXPECT_EQ(parsed("Digits=5678&x=1&Digits=1234&Digits=1234"),
            (form_params{{"Digits", "5678"}, {"x", "1"}, {"Digits", "1234"}, {"Digits", "1234"}}));
}

TEST(parse_form, malformed_percent_escapes_are_refused_with_the_position) {
  EXPECT_NE(refused("a=%").find("byte 2"), std::string::npos) << refused("a=%");
  EXPECT_NE(refused("a=%4").find("byte 2"), std::string::npos);
  EXPECT_NE(refused("ok=1&a=x%zz").find("byte 8"), std::string::npos) << refused("ok=1&a=x%zz");
  EXPECT_NE(refused("%g0=1").find("byte 0"), std::string::npos);
  refused("a=%%41");
  refused("a=%-1");
  refused("a=% 1");
  refused("a=1&b=%4&c=3");
}

// --- encode_form --------------------------------------------------------------------------------

TEST(encode_form, twilio_create_message_body) {
  const form_params params{{"To", "whatsapp:+15552229999"},
                           {"From", "whatsapp:+14155238886"},
                           {"Body", "Your code is 409173"}};
  EXPECT_EQ(encode_form(params), "To=whatsapp%3A%2B15552229999&From=whatsapp%3A%2B14155238886"
                                 "&Body=Your+code+is+409173");
}

TEST(encode_form, keeps_unreserved_and_escapes_the_rest_in_upper_case) {
  EXPECT_EQ(encode_form({{"k", "AZaz09-._~"}}), "k=AZaz09-._~");
  EXPECT_EQ(encode_form({{"k", "a b+c&d=e%f/g?h#i*j"}}),
            "k=a+b%2Bc%26d%3De%25f%2Fg%3Fh%23i%2Aj");
  EXPECT_EQ(encode_form({{"k", "\u2705"}}), "k=%E2%9C%85");
  EXPECT_EQ(encode_form({{"k", std::string(1, '\0')}}), "k=%00");
  EXPECT_EQ(encode_form({{"ContentVariables", R"({"1":"409173"})"}}),
            "ContentVariables=%7B%221%22%3A%22409173%22%7D");
}

TEST(encode_form, empty_params_and_empty_parts) {
  EXPECT_EQ(encode_form({}), "");
  EXPECT_EQ(encode_form({{"a", ""}, {"", "v"}, {"", ""}}), "a=&=v&=");
}

TEST(encode_form, round_trips_through_parse) {
  std::string every_byte;
  for (int byte = 0; byte < 256; ++byte) {
    every_byte.push_back(static_cast<char>(byte));
  }
  const form_params params{{"Body", "Your code is 409173 \u2705 caf\u00e9"},
                           {"Digits", "5678"},
                           {"Digits", "1234"},
                           {"a+b&c=d", "%41 %zz"},
                           {"", ""},
                           {"bytes", every_byte},
                           {every_byte, "key"}};
  EXPECT_EQ(parsed(encode_form(params)), params);
}

// --- find_param ---------------------------------------------------------------------------------

TEST(find_param, returns_the_first_occurrence) {
  const auto params = parsed("Digits=5678&Digits=1234&Empty=");
  EXPECT_EQ(find_param(params, "Digits"), "5678");
  EXPECT_EQ(find_param(params, "Empty"), "");
  EXPECT_EQ(find_param(params, "Missing"), std::nullopt);
  EXPECT_EQ(find_param(params, "digits"), std::nullopt);
}

} // namespace
} // namespace verity
