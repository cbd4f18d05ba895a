#include "tests/net/api_fixture.hpp"

namespace verity::net::test {
namespace {

constexpr const char* phone = "+12015550123";

/// The report routes of API v1 (messages, stats) over a scripted fake storage actor.
class report_routes_test : public api_fixture {};

TEST_F(report_routes_test, message_receipt_by_id_and_by_sid) {
  auto view = make_view(phone, delivery_status::read, "SM0123456789abcdef0123456789abcdef");
  auto message = view.attempts[0];
  engine->load_message.answer_with([message](const message_id& id) {
    return id == message.id ? answer(message) : fail<message_record>(ec::not_found);
  });
  engine->lookup.answer_with([message](const std::string& sid) {
    return sid == message.twilio_sid ? answer(message.id) : fail<message_id>(ec::not_found);
  });
  auto by_id = get("/v1/messages/" + message.id.to_string());
  ASSERT_EQ(by_id.status, 200) << by_id.body;
  auto body = json_of(by_id);
  EXPECT_EQ(body["to"], "+1******0123");
  EXPECT_EQ(body["verification_id"], view.verification.id.to_string());
  EXPECT_EQ(body["status"], "read");
  EXPECT_EQ(body["timestamps"]["read"], "2026-01-01T00:00:01.500Z");
  auto by_sid = get("/v1/messages/" + message.twilio_sid);
  ASSERT_EQ(by_sid.status, 200);
  EXPECT_EQ(json_of(by_sid)["message_id"], message.id.to_string());
  EXPECT_EQ(get("/v1/messages/SM" + std::string(32, 'f')).status, 404);
  EXPECT_EQ(get("/v1/messages/not-an-id").status, 400);
}

TEST_F(report_routes_test, stats_are_not_implemented_yet) {
  auto stats = get("/v1/stats?days=30");
  EXPECT_EQ(stats.status, 501);
  EXPECT_EQ(json_of(stats)["error"]["code"], "not_implemented");
  EXPECT_EQ(get("/v1/phones/%2B12015550123/stats").status, 501);
}

/// API v1 without a storage actor.
class report_routes_without_storage_test : public api_fixture {
protected:
  report_routes_without_storage_test() { options.with_storage = false; }
};

TEST_F(report_routes_without_storage_test, message_receipts_are_not_implemented) {
  auto by_id = get("/v1/messages/" + message_id_for(phone).to_string());
  EXPECT_EQ(by_id.status, 501);
  EXPECT_EQ(json_of(by_id)["error"]["code"], "not_implemented");
  EXPECT_EQ(get("/v1/messages/SM" + std::string(32, 'a')).status, 501);
  EXPECT_EQ(get("/v1/messages/XX").status, 400);
}

} // namespace
} // namespace verity::net::test
