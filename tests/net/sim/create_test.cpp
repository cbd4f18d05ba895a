#include "net/sim/create.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace verity::net {
namespace {

using json = nlohmann::json;

/// The message resource as nlohmann::json writes it: what the simulator answered before it
/// wrote the JSON itself.
std::string reference_resource(const sim_message& m) {
  auto uri = "/2010-04-01/Accounts/" + m.account_sid + "/Messages/" + m.sid;
  auto date = rfc2822_date(m.created);
  auto or_null = [](const std::string& text) { return text.empty() ? json(nullptr) : json(text); };
  return json{{"account_sid", m.account_sid},   {"api_version", "2010-04-01"},
              {"body", m.request.body},         {"date_created", date},
              {"date_sent", nullptr},           {"date_updated", date},
              {"direction", "outbound-api"},    {"error_code", nullptr},
              {"error_message", nullptr},       {"from", or_null(m.request.from)},
              {"messaging_service_sid", or_null(m.request.messaging_service_sid)},
              {"num_media", "0"},               {"num_segments", "1"},
              {"price", nullptr},               {"price_unit", nullptr},
              {"sid", m.sid},                   {"status", to_string(m.status)},
              {"subresource_uris", {{"media", uri + "/Media.json"}}},
              {"to", m.request.to},             {"uri", uri + ".json"}}
    .dump(-1, ' ', false, json::error_handler_t::replace);
}

sim_message message_with_body(std::string body) {
  sim_message m;
  m.sid = "SM0123456789abcdef0123456789abcdef";
  m.account_sid = "AC0123456789abcdef0123456789abcdef";
  m.request.to = "whatsapp:+12015550123";
  m.request.from = "whatsapp:+14155238886";
  m.request.body = std::move(body);
  m.created = std::chrono::system_clock::now();
  return m;
}

TEST(sim_create, the_message_resource_is_byte_for_byte_what_nlohmann_json_writes) {
  for (const std::string& body : std::vector<std::string>
       {"Your code is 123456", "", "quote \" backslash \\ slash /", "tab\there\nnew\rline",
        std::string{"controls \x01\x08\x0b\x0c\x1f\x7f end"}, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91",
        "bad \xff\xfe bytes", "overlong \xc0\xaf", "surrogate \xed\xa0\x80", "cut \xe2\x82",
        "past max \xf4\x90\x80\x80"}) {
    auto m = message_with_body(body);
    EXPECT_EQ(message_resource_json(m), reference_resource(m)) << body;
  }
  auto via_service = message_with_body("x");
  via_service.request.from.clear();
  via_service.request.messaging_service_sid = "MG0123456789abcdef0123456789abcdef";
  via_service.status = delivery_status::accepted;
  EXPECT_EQ(message_resource_json(via_service), reference_resource(via_service));
}

} // namespace
} // namespace verity::net
