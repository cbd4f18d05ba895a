#include "engine/twilio_signature.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#ifndef VERITY_TEST_DATA_DIR
#error "VERITY_TEST_DATA_DIR must name the tests/data directory"
#endif

namespace verity {
namespace {

/// One official signature test vector from tests/data/twilio_signature_vectors.json.
struct signature_vector {
  std::string name;
  std::string token;
  std::string url;
  form_params params;
  std::string body;
  std::string expected;
};

/// Reads "params": a value is a string, or an array of strings meaning a repeated key.
form_params params_from_json(const nlohmann::json& json) {
  form_params params;
  for (const auto& [key, value] : json.items()) {
    if (value.is_array()) {
      for (const auto& element : value) {
        params.emplace_back(key, element.get<std::string>());
      }
    } else {
      params.emplace_back(key, value.get<std::string>());
    }
  }
  return params;
}

/// The whole vectors file.
nlohmann::json load_vector_file() {
  std::ifstream file(VERITY_TEST_DATA_DIR "/twilio_signature_vectors.json");
  EXPECT_TRUE(file.is_open()) << "cannot open " VERITY_TEST_DATA_DIR
                                 "/twilio_signature_vectors.json";
  return file.is_open() ? nlohmann::json::parse(file) : nlohmann::json::object();
}

/// Every vector in the file.
std::vector<signature_vector> load_vectors() {
  std::vector<signature_vector> vectors;
  for (const auto& json : load_vector_file().value("vectors", nlohmann::json::array())) {
    vectors.push_back({json.at("name").get<std::string>(), json.at("token").get<std::string>(),
                       json.at("url").get<std::string>(), params_from_json(json.at("params")),
                       json.value("body", std::string()), json.at("expected").get<std::string>()});
  }
  return vectors;
}

/// `url` with the scheme's default port written after the host (test vectors only).
std::string with_default_port(std::string url) {
  const auto authority = url.find("://") + 3;
  const auto end = std::min(url.find_first_of("/?#", authority), url.size());
  return url.insert(end, url.starts_with("https:") ? ":443" : ":80");
}

/// Validates with a single token.
bool valid(std::string_view signature, std::string_view url, const form_params& params,
           std::string_view body, const std::string& token) {
  const std::array tokens{token};
  return validate_twilio_signature(signature, url, params, body, tokens);
}

// --- official vectors ---------------------------------------------------------------------------

TEST(twilio_signature_vectors, file_keeps_its_source) {
  const auto file = load_vector_file();
  EXPECT_FALSE(file.value("source", std::string()).empty());
  EXPECT_GE(file.value("vectors", nlohmann::json::array()).size(), 8U);
}

TEST(twilio_signature_vectors, every_vector_is_produced) {
  const auto vectors = load_vectors();
  ASSERT_FALSE(vectors.empty());
  for (const auto& vector : vectors) {
    SCOPED_TRACE(vector.name);
    // Twilio signs the URL it requested; for plain http it added ":80" (the vector's note).
    const auto as_given = compute_twilio_signature(vector.token, vector.url, vector.params);
    const auto port_added =
        compute_twilio_signature(vector.token, with_default_port(vector.url), vector.params);
    EXPECT_TRUE(as_given == vector.expected || port_added == vector.expected)
        << "as given: " << as_given << ", port added: " << port_added;
  }
}

TEST(twilio_signature_vectors, every_vector_is_accepted) {
  for (const auto& vector : load_vectors()) {
    SCOPED_TRACE(vector.name);
    EXPECT_TRUE(valid(vector.expected, vector.url, vector.params, vector.body, vector.token));
  }
}

TEST(twilio_signature_vectors, every_vector_is_accepted_with_the_previous_token) {
  for (const auto& vector : load_vectors()) {
    SCOPED_TRACE(vector.name);
    const std::array rotated{std::string("new-token"), vector.token};
    EXPECT_TRUE(
        validate_twilio_signature(vector.expected, vector.url, vector.params, vector.body, rotated));
    const std::array not_yet_rotated{vector.token, std::string("next-token")};
    EXPECT_TRUE(validate_twilio_signature(vector.expected, vector.url, vector.params, vector.body,
                                          not_yet_rotated));
  }
}

TEST(twilio_signature_vectors, wrong_token_is_rejected) {
  for (const auto& vector : load_vectors()) {
    SCOPED_TRACE(vector.name);
    EXPECT_FALSE(valid(vector.expected, vector.url, vector.params, vector.body, "54321"));
    EXPECT_FALSE(valid(vector.expected, vector.url, vector.params, vector.body, vector.token + "x"));
    const std::array retired{std::string("new-token"), std::string("older-token")};
    EXPECT_FALSE(
        validate_twilio_signature(vector.expected, vector.url, vector.params, vector.body, retired));
  }
}

TEST(twilio_signature_vectors, tampered_params_are_rejected) {
  for (const auto& vector : load_vectors()) {
    if (vector.params.empty()) {
      continue; // the JSON-body vector signs no params; its body is covered below
    }
    SCOPED_TRACE(vector.name);
    auto changed = vector.params;
    changed.front().second += "0";
    EXPECT_FALSE(valid(vector.expected, vector.url, changed, vector.body, vector.token));

    auto added = vector.params;
    added.emplace_back("MessageStatus", "delivered");
    EXPECT_FALSE(valid(vector.expected, vector.url, added, vector.body, vector.token));

    auto removed = vector.params;
    removed.pop_back();
    EXPECT_FALSE(valid(vector.expected, vector.url, removed, vector.body, vector.token));
  }
}

TEST(twilio_signature_vectors, tampered_body_is_rejected) {
  int json_vectors = 0;
  for (const auto& vector : load_vectors()) {
    if (vector.body.empty()) {
      continue;
    }
    SCOPED_TRACE(vector.name);
    ++json_vectors;
    EXPECT_EQ(vector.url.substr(vector.url.find("bodySHA256=") + 11),
              twilio_body_sha256(vector.body));
    EXPECT_FALSE(valid(vector.expected, vector.url, vector.params, vector.body + " ", vector.token));
    EXPECT_FALSE(valid(vector.expected, vector.url, vector.params, "", vector.token));
  }
  EXPECT_GE(json_vectors, 1);
}

TEST(twilio_signature_vectors, tampered_url_or_signature_is_rejected) {
  for (const auto& vector : load_vectors()) {
    SCOPED_TRACE(vector.name);
    auto other_url = vector.url;
    other_url.replace(other_url.find("myapp"), 5, "myAPP");
    EXPECT_FALSE(valid(vector.expected, other_url, vector.params, vector.body, vector.token));

    auto flipped = vector.expected;
    flipped[3] = flipped[3] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(valid(flipped, vector.url, vector.params, vector.body, vector.token));
    EXPECT_FALSE(valid(vector.expected + "=", vector.url, vector.params, vector.body, vector.token));
    EXPECT_FALSE(valid(vector.expected.substr(1), vector.url, vector.params, vector.body,
                       vector.token));
  }
}

// --- headers and tokens -------------------------------------------------------------------------

const std::string callback_url = "https://verity.example.com/webhooks/twilio/status?m=MS1";
const form_params callback_params{{"MessageSid", "SM1"}, {"MessageStatus", "delivered"}};

TEST(twilio_signature, missing_header_is_rejected) {
  EXPECT_FALSE(valid("", callback_url, callback_params, "", "token"));
}

TEST(twilio_signature, no_tokens_rejects_everything) {
  const auto signature = compute_twilio_signature("token", callback_url, callback_params);
  EXPECT_FALSE(validate_twilio_signature(signature, callback_url, callback_params, "", {}));
}

TEST(twilio_signature, empty_tokens_are_ignored) {
  const auto signature = compute_twilio_signature("", callback_url, callback_params);
  EXPECT_FALSE(valid(signature, callback_url, callback_params, "", ""));
  const std::array tokens{std::string(), std::string("token")};
  const auto good = compute_twilio_signature("token", callback_url, callback_params);
  EXPECT_TRUE(validate_twilio_signature(good, callback_url, callback_params, "", tokens));
}

TEST(twilio_signature, param_order_does_not_matter_but_duplicates_collapse) {
  const form_params reordered{{"MessageStatus", "delivered"}, {"MessageSid", "SM1"}};
  const form_params duplicated{{"MessageStatus", "delivered"},
                               {"MessageSid", "SM1"},
                               {"MessageStatus", "delivered"}};
  const auto signature = compute_twilio_signature("token", callback_url, callback_params);
  EXPECT_EQ(compute_twilio_signature("token", callback_url, reordered), signature);
  EXPECT_EQ(compute_twilio_signature("token", callback_url, duplicated), signature);
}

// --- port variants ------------------------------------------------------------------------------

/// True if a signature over `signed_url` is accepted for a request to `request_url`.
bool accepted_across(const std::string& signed_url, const std::string& request_url) {
  const auto signature = compute_twilio_signature("token", signed_url, callback_params);
  return valid(signature, request_url, callback_params, "", "token");
}

TEST(twilio_signature, default_port_may_be_added_by_the_signer) {
  EXPECT_TRUE(accepted_across("https://example.com:443/hook?a=1", "https://example.com/hook?a=1"));
  EXPECT_TRUE(accepted_across("http://example.com:80/hook?a=1", "http://example.com/hook?a=1"));
  EXPECT_TRUE(accepted_across("https://user:pass@example.com:443/hook",
                              "https://user:pass@example.com/hook"));
}

TEST(twilio_signature, default_port_may_be_dropped_by_the_signer) {
  EXPECT_TRUE(accepted_across("https://example.com/hook?a=1", "https://example.com:443/hook?a=1"));
  EXPECT_TRUE(accepted_across("http://example.com/hook?a=1", "http://example.com:80/hook?a=1"));
  EXPECT_TRUE(accepted_across("http://[::1]/hook", "http://[::1]:80/hook"));
}

TEST(twilio_signature, other_ports_are_never_dropped_or_invented) {
  EXPECT_FALSE(accepted_across("https://example.com/hook", "https://example.com:8443/hook"));
  EXPECT_FALSE(accepted_across("https://example.com:8443/hook", "https://example.com/hook"));
  EXPECT_FALSE(accepted_across("https://example.com:80/hook", "https://example.com/hook"));
  EXPECT_FALSE(accepted_across("http://example.com:443/hook", "http://example.com/hook"));
  EXPECT_FALSE(accepted_across("ftp://example.com:21/hook", "ftp://example.com/hook"));
}

TEST(twilio_signature, userinfo_stays_in_the_signed_url) {
  EXPECT_TRUE(accepted_across("https://user:pass@example.com/hook",
                              "https://user:pass@example.com/hook"));
  EXPECT_FALSE(accepted_across("https://example.com/hook", "https://user:pass@example.com/hook"));
  EXPECT_FALSE(accepted_across("https://user:pass@example.com/hook", "https://example.com/hook"));
}

TEST(twilio_signature, the_url_as_given_is_used_even_where_curl_would_normalise_it) {
  for (const std::string url : {"HTTPS://Example.COM/a/../hook", "https://example.com?a=1",
                                "https://example.com/hook?q=a b", "not a url"}) {
    EXPECT_TRUE(accepted_across(url, url)) << url;
  }
  EXPECT_FALSE(accepted_across("https://example.com/hook", "https://example.com/a/../hook"));
}

// --- JSON bodies --------------------------------------------------------------------------------

const std::string json_body = R"({"MessageSid":"SM1","MessageStatus":"delivered"})";

/// A callback URL carrying the body hash of `body`.
std::string url_with_body_hash(std::string_view body) {
  return "https://verity.example.com/hook?m=MS1&bodySHA256=" + twilio_body_sha256(body);
}

TEST(twilio_signature, json_body_is_checked_against_its_hash) {
  const auto url = url_with_body_hash(json_body);
  const auto signature = compute_twilio_signature("token", url, {});
  EXPECT_TRUE(valid(signature, url, {}, json_body, "token"));
  EXPECT_FALSE(valid(signature, url, {}, json_body + "\n", "token"));
  EXPECT_FALSE(valid(signature, url, {}, "", "token"));
}

TEST(twilio_signature, json_body_ignores_params_for_signing) {
  const auto url = url_with_body_hash(json_body);
  const auto signature = compute_twilio_signature("token", url, {});
  EXPECT_TRUE(valid(signature, url, callback_params, json_body, "token"));
}

TEST(twilio_signature, body_hash_must_be_lower_case_hex_of_the_body) {
  auto upper = twilio_body_sha256(json_body);
  for (auto& c : upper) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  const auto upper_url = "https://verity.example.com/hook?bodySHA256=" + upper;
  EXPECT_FALSE(
      valid(compute_twilio_signature("token", upper_url, {}), upper_url, {}, json_body, "token"));

  const std::string truncated_url = url_with_body_hash(json_body).substr(0, 70);
  EXPECT_FALSE(valid(compute_twilio_signature("token", truncated_url, {}), truncated_url, {},
                     json_body, "token"));
}

TEST(twilio_signature, body_hash_of_known_input) {
  EXPECT_EQ(twilio_body_sha256(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}


// --- a public URL parsed once -------------------------------------------------------------------

/// The URLs a request to `base + target` may have been signed over, as test cases: the URL as
/// given, with each default port added and removed, with another port, with the scheme's case.
std::vector<std::string> signed_candidates(const std::string& base, const std::string& target) {
  std::vector<std::string> urls{base + target, with_default_port(base) + target,
                                base + ":8443" + target};
  for (const std::string port : {":443", ":80"}) {
    if (const auto at = base.find(port); at != std::string::npos) {
      urls.push_back(std::string(base).erase(at, port.size()) + target);
    }
  }
  return urls;
}

TEST(twilio_public_url, accepts_exactly_what_the_full_url_accepts) {
  const std::vector<std::string> bases{
    "https://verity.example.com",      "http://verity.example.com",
    "https://verity.example.com:443",  "http://verity.example.com:80",
    "https://verity.example.com:8443", "https://example.com/prefix/verity",
    "https://example.com:443/prefix",  "HTTPS://Example.COM",
    "http://[::1]:80",                 "http://127.0.0.1",
    "https://user:pass@example.com",   "ftp://example.com:21",
    "not a url"};
  const std::vector<std::string> targets{
    "/v1/webhooks/twilio/status?message_id=MS0123",
    "/v1/webhooks/twilio/inbound",
    "/api/referrals/sms-status-callback",
    "/a/../hook?x=%20y&z",
    "/",
    "*"};
  for (const auto& base : bases) {
    const twilio_public_url public_url(base);
    EXPECT_EQ(public_url.base(), base);
    for (const auto& target : targets) {
      for (const auto& signed_url : signed_candidates(base, target)) {
        SCOPED_TRACE(base + " | " + target + " | signed " + signed_url);
        const auto signature = compute_twilio_signature("token", signed_url, callback_params);
        const std::array tokens{std::string("token")};
        EXPECT_EQ(validate_twilio_signature(signature, public_url, target, callback_params, "",
                                            tokens),
                  valid(signature, base + target, callback_params, "", "token"));
      }
    }
  }
}

TEST(twilio_public_url, toggles_the_default_port_under_a_path_prefix) {
  const twilio_public_url public_url("https://example.com/prefix");
  EXPECT_EQ(public_url.variants("/hook?a=1"),
            (std::vector<std::string>{"https://example.com/prefix/hook?a=1",
                                      "https://example.com:443/prefix/hook?a=1"}));
  const twilio_public_url other_port("https://example.com:8443");
  EXPECT_EQ(other_port.variants("/hook"),
            std::vector<std::string>{"https://example.com:8443/hook"});
}

TEST(twilio_public_url, checks_body_hashes_in_the_target) {
  const twilio_public_url public_url("https://verity.example.com");
  const auto target = "/hook?m=MS1&bodySHA256=" + twilio_body_sha256(json_body);
  const auto signature = compute_twilio_signature("token", public_url.base() + target, {});
  const std::array tokens{std::string("token")};
  EXPECT_TRUE(validate_twilio_signature(signature, public_url, target, {}, json_body, tokens));
  EXPECT_FALSE(validate_twilio_signature(signature, public_url, target, {}, "{}", tokens));
}

} // namespace
} // namespace verity
