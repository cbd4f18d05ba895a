#include "tests/net/api/api_fixture.hpp"

#include "engine/error_classification.hpp"

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

/// A report with WhatsApp traffic only.
stats_report sample_report(std::uint32_t days) {
  stats_report report;
  report.window_days = days;
  auto& whatsapp = report.channels[static_cast<std::size_t>(channel::whatsapp)];
  whatsapp = {4, 3, 1, 1, 0, 900.5, 1'000};
  report.status_breakdown = {{delivery_status::created, 1},
                             {delivery_status::delivered, 2},
                             {delivery_status::read, 1}};
  report.error_codes = {{63016, 1}, {30006, 2}, {20429, 3}, {12345, 4}};
  return report;
}

TEST_F(report_routes_test, platform_stats_render_every_field) {
  engine->platform_stats.answer_with(
    [](const stats_query& query) { return answer(sample_report(query.days)); });
  auto result = get("/v1/stats?days=30");
  ASSERT_EQ(result.status, 200) << result.body;
  auto body = json_of(result);
  EXPECT_EQ(body["window_days"], 30);
  auto whatsapp = body["channels"]["whatsapp"];
  EXPECT_EQ(whatsapp["total"], 4);
  EXPECT_EQ(whatsapp["delivered"], 3);
  EXPECT_EQ(whatsapp["read"], 1);
  EXPECT_EQ(whatsapp["failed"], 1);
  EXPECT_EQ(whatsapp["pending"], 0);
  EXPECT_DOUBLE_EQ(whatsapp["delivery_rate"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(whatsapp["read_rate"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(whatsapp["failure_rate"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(whatsapp["avg_delivery_ms"].get<double>(), 900.5);
  EXPECT_EQ(whatsapp["p95_delivery_ms"], 1000);
  auto sms = body["channels"]["sms"];
  EXPECT_EQ(sms["total"], 0);
  EXPECT_EQ(sms["delivery_rate"], 0.0);
  EXPECT_EQ(body["status_breakdown"],
            (nlohmann::json{{"sending", 1}, {"delivered", 2}, {"read", 1}}));
  EXPECT_EQ(body["error_codes"]["63016"]["count"], 1);
  EXPECT_EQ(body["error_codes"]["63016"]["description"], describe_twilio_error(63016));
  EXPECT_EQ(body["error_codes"]["30006"],
            (nlohmann::json{{"count", 2}, {"description", "Landline or unreachable carrier"},
                            {"retryable", false}}));
  EXPECT_EQ(body["error_codes"]["20429"]["retryable"], true);
  EXPECT_EQ(body["error_codes"]["12345"],
            (nlohmann::json{{"count", 4}, {"description", ""}, {"retryable", nullptr}}));
  EXPECT_EQ(json_of(get("/v1/stats"))["window_days"], 30);
  EXPECT_EQ(json_of(get("/v1/stats?days=365"))["window_days"], 365);
  ASSERT_EQ(engine->platform_stats.received().size(), 3u);
}

TEST_F(report_routes_test, phone_stats_add_the_phone_and_its_recent_messages) {
  auto view = make_view(phone, delivery_status::delivered);
  engine->phone_stats.answer_with([view](const phone_stats_query& query) {
    return answer(phone_stats_report{sample_report(query.days), view.attempts});
  });
  auto result = get("/v1/phones/%2B12015550123/stats");
  ASSERT_EQ(result.status, 200) << result.body;
  auto body = json_of(result);
  EXPECT_EQ(body["window_days"], 7);
  EXPECT_EQ(body["phone"], "+1******0123");
  EXPECT_EQ(body["channels"]["whatsapp"]["total"], 4);
  ASSERT_EQ(body["recent"].size(), 1u);
  EXPECT_EQ(body["recent"][0]["message_id"], view.attempts[0].id.to_string());
  EXPECT_EQ(body["recent"][0]["status"], "delivered");
  EXPECT_EQ(get("/v1/phones/2015550123/stats?days=90").status, 200);
  auto received = engine->phone_stats.received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].phone, phone);
  EXPECT_EQ(received[1].phone, phone);
  EXPECT_EQ(received[1].days, 90u);
}

TEST_F(report_routes_test, stats_parameters_are_validated) {
  for (std::string days : {"0", "366", "-1", "abc", "7d", ""}) {
    auto result = get("/v1/stats?days=" + days);
    EXPECT_EQ(result.status, 400) << days;
    EXPECT_EQ(json_of(result)["error"]["code"], "invalid_request") << days;
  }
  EXPECT_EQ(get("/v1/phones/%2B12015550123/stats?days=91").status, 400);
  auto bad_phone = get("/v1/phones/12345/stats");
  EXPECT_EQ(bad_phone.status, 400);
  EXPECT_EQ(json_of(bad_phone)["error"]["code"], "invalid_phone");
  EXPECT_TRUE(engine->platform_stats.received().empty());
  EXPECT_TRUE(engine->phone_stats.received().empty());
}

TEST_F(report_routes_test, stats_storage_failures_are_answered) {
  engine->platform_stats.answer_with(
    [](const stats_query&) { return fail<stats_report>(ec::storage_failed); });
  EXPECT_EQ(get("/v1/stats").status, 500);
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
  EXPECT_EQ(get("/v1/stats").status, 501);
  EXPECT_EQ(get("/v1/phones/%2B12015550123/stats").status, 501);
}

} // namespace
} // namespace verity::net::test
