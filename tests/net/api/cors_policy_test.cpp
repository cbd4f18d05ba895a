// The CORS policy: exact origins only, the preflight answer, and the headers every answer gets.
#include "net/api/cors_policy.hpp"

#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace verity::net {
namespace {

/// The value of header `name` in `answer`, or nothing.
std::optional<std::string> header(const http_response& answer, std::string_view name) {
  for (const auto& [key, value] : answer.headers)
    if (key == name)
      return value;
  return std::nullopt;
}

/// A preflight from `origin` asking for `method`.
http_request preflight_from(std::string origin, std::string method = "POST") {
  http_request request;
  request.method = "OPTIONS";
  request.target = "/api/referrals/send-verification";
  request.headers = {{"Origin", std::move(origin)},
                     {"Access-Control-Request-Method", std::move(method)},
                     {"Access-Control-Request-Headers", "content-type"}};
  return request;
}

const cors_policy policy{{"https://app.example.com", "http://127.0.0.1:5173"}};

TEST(cors_policy_test, only_exact_origins_are_allowed) {
  EXPECT_TRUE(policy.allows("https://app.example.com"));
  EXPECT_TRUE(policy.allows("http://127.0.0.1:5173"));
  for (const char* other : {"", "null", "http://app.example.com", "https://app.example.com:444",
                            "https://app.example.com.evil.test", "https://evil.test",
                            "https://APP.example.com/", "http://127.0.0.1:51730", "*"})
    EXPECT_FALSE(policy.allows(other)) << other;
}

TEST(cors_policy_test, a_preflight_from_an_allowed_origin_gets_204_and_the_headers) {
  auto answer = policy.preflight(preflight_from("http://127.0.0.1:5173"));
  EXPECT_EQ(answer.status, 204);
  EXPECT_TRUE(answer.body.empty());
  EXPECT_EQ(header(answer, "Access-Control-Allow-Origin"), "http://127.0.0.1:5173");
  EXPECT_EQ(header(answer, "Access-Control-Allow-Methods"), "GET, POST");
  EXPECT_EQ(header(answer, "Access-Control-Allow-Headers"), "Content-Type");
  EXPECT_EQ(header(answer, "Access-Control-Max-Age"), "600");
  EXPECT_EQ(header(answer, "Vary"), "Origin");
  EXPECT_FALSE(header(answer, "Access-Control-Allow-Credentials"));
}

TEST(cors_policy_test, a_preflight_from_another_origin_is_refused_without_cors_headers) {
  auto answer = policy.preflight(preflight_from("https://evil.test"));
  EXPECT_EQ(answer.status, 403);
  EXPECT_NE(answer.body.find("origin_not_allowed"), std::string::npos);
  for (const auto& [name, value] : answer.headers)
    EXPECT_FALSE(name.starts_with("Access-Control-")) << name;
  EXPECT_EQ(header(answer, "Vary"), "Origin");
}

TEST(cors_policy_test, answers_name_an_allowed_origin_and_vary_by_origin) {
  http_response allowed{429, "application/json", "{}", {{"Retry-After", "3"}}};
  policy.add_headers("https://app.example.com", allowed);
  EXPECT_EQ(header(allowed, "Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(header(allowed, "Vary"), "Origin");
  EXPECT_EQ(header(allowed, "Retry-After"), "3");
  for (const char* other : {"https://evil.test", ""}) {
    http_response answer;
    policy.add_headers(other, answer);
    EXPECT_FALSE(header(answer, "Access-Control-Allow-Origin")) << other;
    EXPECT_EQ(header(answer, "Vary"), "Origin") << other;
  }
}

TEST(cors_policy_test, with_no_origin_configured_nothing_is_added) {
  const cors_policy none{{}};
  http_response answer;
  none.add_headers("https://app.example.com", answer);
  EXPECT_TRUE(answer.headers.empty());
  EXPECT_EQ(none.preflight(preflight_from("https://app.example.com")).status, 403);
}

TEST(cors_policy_test, a_preflight_needs_options_an_origin_and_a_requested_method) {
  EXPECT_TRUE(cors_policy::is_preflight(preflight_from("https://app.example.com")));
  auto without_method = preflight_from("https://app.example.com");
  without_method.headers.pop_back();
  without_method.headers.pop_back();
  EXPECT_FALSE(cors_policy::is_preflight(without_method));
  auto get = preflight_from("https://app.example.com");
  get.method = "GET";
  EXPECT_FALSE(cors_policy::is_preflight(get));
  auto no_origin = preflight_from("");
  EXPECT_FALSE(cors_policy::is_preflight(no_origin));
}

} // namespace
} // namespace verity::net
