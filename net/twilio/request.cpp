#include "net/twilio/request.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

#include "engine/phone.hpp"

namespace verity::net {

namespace {

using json = nlohmann::json;

/// The `From` address of `via`, or "" when no sender is configured for it.
std::string from_address(const twilio_account& account, channel via) {
  if (via == channel::sms)
    return account.sms_from;
  return account.whatsapp_from.empty() ? std::string{}
                                       : to_whatsapp_address(account.whatsapp_from);
}

/// Retry-After in delta-seconds (what Twilio sends); an HTTP-date or garbage gives 0.
std::chrono::milliseconds parse_retry_after(std::string_view value) {
  std::uint32_t seconds = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (error != std::errc{} || end != value.data() + value.size())
    return std::chrono::milliseconds{0};
  return std::chrono::seconds{seconds};
}

/// The `string` field `key` of `object`, or "" when absent or of another type.
std::string string_field(const json& object, const char* key) {
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string{};
}

create_result read_created(const http_outcome& outcome) {
  create_result result;
  result.http_status = 201;
  auto body = json::parse(outcome.body, nullptr, false);
  if (!body.is_object() || string_field(body, "sid").empty()) {
    result.error_message = "Twilio answered 201 without a readable message resource";
    return result;
  }
  result.sid = string_field(body, "sid");
  result.status = parse_delivery_status(string_field(body, "status")).value_or(
    delivery_status::queued);
  return result;
}

create_result read_refused(const http_outcome& outcome) {
  create_result result;
  result.http_status = static_cast<int>(outcome.status);
  result.retry_after = parse_retry_after(outcome.header("retry-after"));
  auto body = json::parse(outcome.body, nullptr, false);
  auto code = body.is_object() ? body.find("code") : body.end();
  if (code != body.end() && code->is_number_unsigned()) {
    result.error_code = code->get<std::uint32_t>();
    result.error_message = string_field(body, "message");
  } else {
    result.error_message = "HTTP " + std::to_string(outcome.status) + " without a Twilio error body";
  }
  return result;
}

} // namespace

std::string sender_of(const twilio_account& account, channel via) {
  if (!account.messaging_service_sid.empty())
    return account.messaging_service_sid;
  return from_address(account, via);
}

std::string status_callback_url(const twilio_account& account, const message_id& id) {
  return account.public_url + "/v1/webhooks/twilio/status?message_id=" + id.to_string();
}

tl::expected<form_params, std::string> create_message_params(const twilio_account& account,
                                                             const outbound_message& message) {
  bool whatsapp = message.via == channel::whatsapp;
  form_params params;
  params.emplace_back("To", whatsapp ? to_whatsapp_address(message.to) : message.to);
  if (!account.messaging_service_sid.empty()) {
    params.emplace_back("MessagingServiceSid", account.messaging_service_sid);
  } else if (auto from = from_address(account, message.via); !from.empty()) {
    params.emplace_back("From", std::move(from));
  } else {
    return tl::unexpected(std::string{"no "} + (whatsapp ? "WhatsApp" : "SMS")
                          + " sender is configured (TWILIO_"
                          + (whatsapp ? "WHATSAPP" : "PHONE") + "_NUMBER)");
  }
  if (message.as_template) {
    if (account.whatsapp_template_sid.empty())
      return tl::unexpected(std::string{"no WhatsApp template is configured "
                                        "(TWILIO_WHATSAPP_TEMPLATE_SID)"});
    params.emplace_back("ContentSid", account.whatsapp_template_sid);
    params.emplace_back("ContentVariables", json{{"1", message.code}}.dump());
  } else {
    params.emplace_back("Body", message.body);
  }
  params.emplace_back("StatusCallback", status_callback_url(account, message.id));
  return params;
}

http_call create_message_call(const twilio_account& account, const form_params& params) {
  http_call call;
  call.method = "POST";
  call.url = account.api_base + "/2010-04-01/Accounts/" + account.account_sid + "/Messages.json";
  call.headers = {"Accept: application/json",
                  "Content-Type: application/x-www-form-urlencoded"};
  call.body = encode_form(params);
  call.username = account.account_sid;
  call.password = account.auth_token;
  return call;
}

create_result read_create_response(const http_outcome& outcome) {
  if (outcome.status == 0) {
    create_result result;
    result.error_message = outcome.error;
    return result;
  }
  if (outcome.status == 201)
    return read_created(outcome);
  return read_refused(outcome);
}

} // namespace verity::net
