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

/// A stored key "k1" of the first API key for a request with `body`, used `age` ago to start
/// verification `id`.
idempotency_record stored_key(const std::string& body, std::chrono::milliseconds age,
                              verification_id id = verification_id::generate(1)) {
  auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(
    std::chrono::system_clock::now());
  return {"0:k1", fingerprint_of(body), now - age, id};
}

TEST_F(api_v1_routes_test, idempotency_key_travels_with_the_start_request) {
  start_answers();
  const std::string body = R"({"to": "+12015550123"})";
  auto first = post_json("/v1/verifications", body, {"Idempotency-Key: k1"});
  ASSERT_EQ(first.status, 201) << first.body;
  auto starts = engine->start.received();
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0].idempotency_key, "0:k1")
    << "the engine cannot store the key with the verification";
  EXPECT_EQ(starts[0].idempotency_fingerprint, fingerprint_of(body));
  EXPECT_EQ(engine->find_answer.received(), std::vector<std::string>{"0:k1"});
  auto plain = post_json("/v1/verifications", body);
  ASSERT_EQ(plain.status, 201);
  EXPECT_TRUE(engine->start.received().back().idempotency_key.empty())
    << "no key, nothing to store";
}

TEST_F(api_v1_routes_test, idempotency_key_found_in_storage_replays_the_first_answer) {
  // The first answer, given before a restart (no key here: memory must not hold one).
  auto created = make_view("+12015550123", delivery_status::created);
  engine->start.answer_with([&](const verification_request&) { return answer(created); });
  const std::string body = R"({"to": "+12015550123"})";
  auto first = post_json("/v1/verifications", body);
  ASSERT_EQ(first.status, 201) << first.body;
  // Since then the code was delivered by SMS after a WhatsApp failure and checked once.
  auto moved_on = created;
  moved_on.verification.wrong_checks = 1;
  moved_on.attempts[0].twilio_sid = "SM0123";
  moved_on.attempts[0].tries = 2;
  moved_on.attempts[0].delivery.merge(
    {delivery_status::failed, created.verification.created_at + 3s, 63016});
  auto fallback = make_view("+12015550123", delivery_status::delivered, "SM4567");
  fallback.attempts[0].via = channel::sms;
  moved_on.verification.messages.push_back(fallback.attempts[0].id);
  moved_on.attempts.push_back(fallback.attempts[0]);
  engine->find_answer.answer_with([&](const std::string&) {
    return answer(stored_key(body, 23h, created.verification.id));
  });
  get_answers(moved_on);
  auto replayed = post_json("/v1/verifications", R"({ "to" : "+12015550123" })",
                            {"Idempotency-Key: k1"});
  EXPECT_EQ(replayed.status, 201);
  EXPECT_EQ(replayed.body, first.body) << "a retry after a restart must get the first answer";
  EXPECT_EQ(replayed.headers["location"], first.headers["location"]);
  ASSERT_EQ(engine->get.received().size(), 1u);
  EXPECT_EQ(engine->get.received()[0].id, created.verification.id);
  EXPECT_EQ(engine->start.received().size(), 1u) << "only the first, keyless start";
  auto again = post_json("/v1/verifications", body, {"Idempotency-Key: k1"});
  EXPECT_EQ(again.body, first.body);
  auto conflict = post_json("/v1/verifications", R"({"to": "+442079460958"})",
                            {"Idempotency-Key: k1"});
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(engine->find_answer.received().size(), 1u) << "memory holds the replayed answer now";
  EXPECT_EQ(engine->get.received().size(), 1u);
}

TEST_F(api_v1_routes_test, idempotency_key_whose_verification_cannot_be_read_fails_and_is_released) {
  const std::string body = R"({"to": "+12015550123"})";
  engine->find_answer.answer_with([&](const std::string&) { return answer(stored_key(body, 1h)); });
  engine->get.answer_with([](const verification_query&) {
    return fail<verification_view>(ec::storage_failed);
  });
  auto failed = post_json("/v1/verifications", body, {"Idempotency-Key: k1"});
  EXPECT_EQ(failed.status / 100, 5) << failed.body;
  EXPECT_TRUE(engine->start.received().empty()) << "never a second verification for one key";
  EXPECT_EQ(engine->find_answer.received().size(), 1u);
  get_answers(make_view("+12015550123", delivery_status::sent));
  auto retried = post_json("/v1/verifications", body, {"Idempotency-Key: k1"});
  EXPECT_EQ(retried.status, 201) << retried.body;
  EXPECT_EQ(engine->find_answer.received().size(), 2u) << "the failure released the key";
  EXPECT_TRUE(engine->start.received().empty());
}

TEST_F(api_v1_routes_test, stored_answer_with_another_body_is_409) {
  engine->find_answer.answer_with([](const std::string&) {
    return answer(stored_key(R"({"to": "+442079460958"})", 1h));
  });
  auto conflict = post_json("/v1/verifications", R"({"to": "+12015550123"})",
                            {"Idempotency-Key: k1"});
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(json_of(conflict)["error"]["code"], "idempotency_conflict");
  EXPECT_TRUE(engine->start.received().empty());
  EXPECT_TRUE(engine->get.received().empty());
}

TEST_F(api_v1_routes_test, stored_answer_older_than_a_day_is_ignored) {
  start_answers();
  const std::string body = R"({"to": "+12015550123"})";
  engine->find_answer.answer_with([&](const std::string&) {
    return answer(stored_key(body, 24h + 1min));
  });
  auto fresh = post_json("/v1/verifications", body, {"Idempotency-Key: k1"});
  EXPECT_EQ(fresh.status, 201);
  EXPECT_EQ(engine->start.received().size(), 1u);
  EXPECT_TRUE(engine->get.received().empty()) << "an expired key's verification is not read";
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
