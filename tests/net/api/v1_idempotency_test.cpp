// API v1's Idempotency-Key: replays, conflicts, release on failure, and answers kept in storage.
#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/twilio_signature.hpp"
#include "tests/net/api/v1_fixture.hpp"

namespace verity::net::test {
namespace {

using namespace std::chrono_literals;

TEST_F(api_v1_routes_test, idempotency_key_replays_the_first_answer) {
  start_answers();
  auto first = post_json("/v1/verifications", R"({"to": "+12015550123"})", {"Idempotency-Key: k1"});
  auto again = post_json("/v1/verifications", R"({ "to" : "+12015550123" })",
                         {"Idempotency-Key: k1"});
  ASSERT_EQ(first.status, 201);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(engine->start.received().size(), 1u);
  auto other = post_json("/v1/verifications", R"({"to": "+12015550123"})", {"Idempotency-Key: k2"});
  EXPECT_EQ(other.status, 201);
  EXPECT_NE(json_of(other)["id"], json_of(first)["id"]);
  EXPECT_EQ(engine->start.received().size(), 2u);
}

TEST_F(api_v1_routes_test, idempotency_key_with_another_body_is_409) {
  start_answers();
  post_json("/v1/verifications", R"({"to": "+12015550123"})", {"Idempotency-Key: k1"});
  auto conflict = post_json("/v1/verifications", R"({"to": "+442079460958"})",
                            {"Idempotency-Key: k1"});
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(json_of(conflict)["error"]["code"], "idempotency_conflict");
  EXPECT_EQ(engine->start.received().size(), 1u);
}

TEST_F(api_v1_routes_test, failed_request_releases_its_idempotency_key) {
  engine->start.answer_with([](const verification_request&) {
    return fail<verification_view>(ec::rate_limited, 1'000ms);
  });
  auto first = post_json("/v1/verifications", R"({"to": "+12015550123"})", {"Idempotency-Key: k"});
  EXPECT_EQ(first.status, 429);
  start_answers();
  auto retried = post_json("/v1/verifications", R"({"to": "+12015550123"})", {"Idempotency-Key: k"});
  EXPECT_EQ(retried.status, 201);
  EXPECT_EQ(engine->start.received().size(), 2u);
}

/// The fingerprint API v1 keeps for a body: the SHA-256 of its canonical serialisation.
std::string fingerprint_of(const std::string& body) {
  return twilio_body_sha256(nlohmann::json::parse(body).dump());
}

/// A stored answer to key "k1" of the first API key, given `age` ago.
idempotency_record stored_answer(const std::string& body, std::chrono::milliseconds age) {
  auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(
    std::chrono::system_clock::now());
  return {"0:k1", fingerprint_of(body), now - age, 201, "application/json",
          R"({"id":"VEstored"})", {{"Location", "/v1/verifications/VEstored"}}};
}

TEST_F(api_v1_routes_test, idempotent_answer_travels_with_the_start_request) {
  auto view = make_view("+12015550123", delivery_status::created);
  engine->start.answer_with([&](const verification_request&) { return answer(view); });
  const std::string body = R"({"to": "+12015550123"})";
  auto first = post_json("/v1/verifications", body, {"Idempotency-Key: k1"});
  ASSERT_EQ(first.status, 201) << first.body;
  auto starts = engine->start.received();
  ASSERT_EQ(starts.size(), 1u);
  ASSERT_TRUE(starts[0].answer) << "the engine cannot store the answer with the verification";
  auto stored = starts[0].answer(view);
  EXPECT_EQ(stored.key, "0:k1");
  EXPECT_EQ(stored.fingerprint, fingerprint_of(body));
  EXPECT_EQ(stored.status, 201);
  EXPECT_EQ(stored.body, first.body) << "a retry after a crash would get another answer";
  EXPECT_EQ(engine->find_answer.received(), std::vector<std::string>{"0:k1"});
  auto plain = post_json("/v1/verifications", body);
  ASSERT_EQ(plain.status, 201);
  EXPECT_FALSE(engine->start.received().back().answer) << "no key, nothing to store";
}

TEST_F(api_v1_routes_test, idempotency_key_replays_an_answer_found_in_storage) {
  const std::string body = R"({"to": "+12015550123"})";
  engine->find_answer.answer_with([&](const std::string&) {
    return answer(stored_answer(body, 23h));
  });
  auto replayed = post_json("/v1/verifications", R"({ "to" : "+12015550123" })",
                            {"Idempotency-Key: k1"});
  EXPECT_EQ(replayed.status, 201);
  EXPECT_EQ(replayed.body, R"({"id":"VEstored"})");
  EXPECT_EQ(replayed.headers["location"], "/v1/verifications/VEstored");
  EXPECT_TRUE(engine->start.received().empty());
  auto conflict = post_json("/v1/verifications", R"({"to": "+442079460958"})",
                            {"Idempotency-Key: k1"});
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(engine->find_answer.received().size(), 1u) << "memory holds the stored answer now";
}

TEST_F(api_v1_routes_test, stored_answer_with_another_body_is_409) {
  engine->find_answer.answer_with([](const std::string&) {
    return answer(stored_answer(R"({"to": "+442079460958"})", 1h));
  });
  auto conflict = post_json("/v1/verifications", R"({"to": "+12015550123"})",
                            {"Idempotency-Key: k1"});
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(json_of(conflict)["error"]["code"], "idempotency_conflict");
  EXPECT_TRUE(engine->start.received().empty());
}

TEST_F(api_v1_routes_test, stored_answer_older_than_a_day_is_ignored) {
  start_answers();
  const std::string body = R"({"to": "+12015550123"})";
  engine->find_answer.answer_with([&](const std::string&) {
    return answer(stored_answer(body, 24h + 1min));
  });
  auto fresh = post_json("/v1/verifications", body, {"Idempotency-Key: k1"});
  EXPECT_EQ(fresh.status, 201);
  EXPECT_NE(fresh.body, R"({"id":"VEstored"})");
  EXPECT_EQ(engine->start.received().size(), 1u);
}

TEST_F(api_v1_routes_test, storage_failure_on_an_idempotency_key_fails_and_releases_it) {
  start_answers();
  engine->find_answer.answer_with([](const std::string&) {
    return fail<idempotency_record>(ec::storage_failed);
  });
  auto failed = post_json("/v1/verifications", R"({"to": "+12015550123"})",
                          {"Idempotency-Key: k1"});
  EXPECT_EQ(failed.status / 100, 5) << failed.body;
  EXPECT_TRUE(engine->start.received().empty());
  engine->find_answer.answer_with([](const std::string&) {
    return fail<idempotency_record>(ec::not_found);
  });
  auto retried = post_json("/v1/verifications", R"({"to": "+12015550123"})",
                           {"Idempotency-Key: k1"});
  EXPECT_EQ(retried.status, 201) << retried.body;
}

} // namespace
} // namespace verity::net::test
