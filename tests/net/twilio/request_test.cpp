#include "net/twilio/request.hpp"

#include <gtest/gtest.h>

namespace verity::net {
namespace {

using namespace std::chrono_literals;

http_outcome answer(long status, std::string body,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
  http_outcome outcome;
  outcome.status = status;
  outcome.body = std::move(body);
  outcome.headers = std::move(headers);
  return outcome;
}

TEST(twilio_request_test, reads_the_spec_201_example) {
  // The "create" example of CreateMessage's 201 answer in twilio_api_v2010.json.
  auto result = read_create_response(answer(201, R"({
    "account_sid": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "api_version": "2010-04-01",
    "body": "Hello! 👍", "date_created": "Thu, 24 Aug 2023 05:01:45 +0000",
    "date_sent": "Thu, 24 Aug 2023 05:01:45 +0000",
    "date_updated": "Thu, 24 Aug 2023 05:01:45 +0000", "direction": "outbound-api",
    "error_code": null, "error_message": null, "from": "+14155552345", "num_media": "0",
    "num_segments": "1", "price": null, "price_unit": null,
    "messaging_service_sid": "MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "sid": "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "status": "queued",
    "subresource_uris": {"media": "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages/SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Media.json"},
    "to": "+14155552345",
    "uri": "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Messages/SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json"
  })"));
  EXPECT_TRUE(result.created());
  EXPECT_EQ(result.sid, "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  EXPECT_EQ(result.status, delivery_status::queued);
  EXPECT_EQ(result.error_code, 0U);
  EXPECT_TRUE(result.error_message.empty());
}

TEST(twilio_request_test, reads_an_accepted_message) {
  auto result = read_create_response(
    answer(201, R"({"sid":"SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","status":"accepted"})"));
  EXPECT_EQ(result.status, delivery_status::accepted);
}

TEST(twilio_request_test, a_201_without_resource_keeps_201_and_says_why) {
  auto result = read_create_response(answer(201, "<html>"));
  EXPECT_TRUE(result.created());
  EXPECT_TRUE(result.sid.empty());
  EXPECT_FALSE(result.error_message.empty());
}

TEST(twilio_request_test, reads_twilios_400_error_body) {
  auto result = read_create_response(answer(
    400, R"({"code":21211,"message":"The 'To' number +1201 is not a valid phone number.",)"
         R"("more_info":"https://www.twilio.com/docs/errors/21211","status":400})"));
  EXPECT_EQ(result.http_status, 400);
  EXPECT_EQ(result.error_code, 21211U);
  EXPECT_EQ(result.error_message, "The 'To' number +1201 is not a valid phone number.");
  EXPECT_EQ(result.retry_after, 0ms);
}

TEST(twilio_request_test, reads_429_and_retry_after_seconds) {
  auto result = read_create_response(
    answer(429, R"({"code":20429,"message":"Too Many Requests","status":429})",
           {{"retry-after", "3"}}));
  EXPECT_EQ(result.http_status, 429);
  EXPECT_EQ(result.error_code, 20429U);
  EXPECT_EQ(result.retry_after, 3s);
}

TEST(twilio_request_test, an_http_date_retry_after_counts_as_none) {
  auto result = read_create_response(
    answer(503, "", {{"retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"}}));
  EXPECT_EQ(result.retry_after, 0ms);
}

TEST(twilio_request_test, a_500_without_twilio_body_says_so) {
  auto result = read_create_response(answer(500, "<html>Internal Server Error</html>"));
  EXPECT_EQ(result.http_status, 500);
  EXPECT_EQ(result.error_code, 0U);
  EXPECT_EQ(result.error_message, "HTTP 500 without a Twilio error body");
}

TEST(twilio_request_test, a_transport_failure_is_status_0_with_curls_message) {
  http_outcome failed;
  failed.error = "Couldn't connect to server";
  auto result = read_create_response(failed);
  EXPECT_EQ(result.http_status, 0);
  EXPECT_EQ(result.error_message, "Couldn't connect to server");
}

TEST(twilio_request_test, builds_the_call) {
  twilio_account account;
  account.api_base = "https://api.twilio.com";
  account.account_sid = "AC0123456789abcdef0123456789abcdef";
  account.auth_token = "secret";
  auto call = create_message_call(account, {{"To", "+1 2"}});
  EXPECT_EQ(call.method, "POST");
  EXPECT_EQ(call.url, "https://api.twilio.com/2010-04-01/Accounts/"
                      "AC0123456789abcdef0123456789abcdef/Messages.json");
  EXPECT_EQ(call.body, "To=%2B1+2");
  EXPECT_EQ(call.username, account.account_sid);
  EXPECT_EQ(call.password, "secret");
}

TEST(twilio_request_test, content_variables_are_a_json_object_string) {
  twilio_account account;
  account.sms_from = "+12015550100";
  account.whatsapp_template_sid = "HX0123456789abcdef0123456789abcdef";
  account.public_url = "http://localhost:8080";
  outbound_message message;
  message.via = channel::sms;
  message.to = "+12015550123";
  message.as_template = true;
  message.code = "0042\"x";
  auto params = create_message_params(account, message);
  ASSERT_TRUE(params) << params.error();
  EXPECT_EQ(find_param(*params, "ContentVariables"), R"({"1":"0042\"x"})");
}

} // namespace
} // namespace verity::net
