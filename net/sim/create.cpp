#include "net/sim/create.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "engine/code.hpp"
#include "engine/phone.hpp"

namespace verity::net {

namespace {

using json = nlohmann::json;

/// Longest Body Twilio accepts, in characters.
constexpr std::size_t max_body_characters = 1600;

twilio_error error(int status, std::uint32_t code, std::string message) {
  return {status, code, std::move(message)};
}

/// True for "<prefix>" followed by exactly 32 hex digits of either case.
bool is_sid(std::string_view text, std::string_view prefix) {
  return text.size() == prefix.size() + 32 && text.starts_with(prefix)
         && std::all_of(text.begin() + static_cast<std::ptrdiff_t>(prefix.size()), text.end(),
                        [](unsigned char c) { return std::isxdigit(c) != 0; });
}

/// Standard base64 with padding.
std::string base64(std::string_view bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  auto size = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                              reinterpret_cast<const unsigned char*>(bytes.data()),
                              static_cast<int>(bytes.size()));
  text.resize(static_cast<std::size_t>(size));
  return text;
}

/// True when the header carries exactly `user:password` as HTTP Basic credentials; the
/// comparison takes the same time wherever the first difference is.
bool basic_credentials_match(std::string_view authorization, std::string_view user,
                             std::string_view password) {
  constexpr std::string_view scheme = "basic ";
  if (authorization.size() < scheme.size()
      || !std::equal(scheme.begin(), scheme.end(), authorization.begin(),
                     [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); }))
    return false;
  auto given = authorization.substr(scheme.size());
  auto expected = base64(std::string{user} + ":" + std::string{password});
  return given.size() == expected.size()
         && CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

/// Characters of a UTF-8 text (bytes that do not continue a sequence).
std::size_t utf8_length(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(
    text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

/// True for "http://host..." or "https://host...".
bool is_http_url(std::string_view url) {
  for (std::string_view scheme : {"http://", "https://"})
    if (url.starts_with(scheme) && url.size() > scheme.size() && url[scheme.size()] != '/')
      return true;
  return false;
}

std::string param(const form_params& params, std::string_view key) {
  return std::string{find_param(params, key).value_or("")};
}

/// Sender and content checks (To is checked by the caller).
std::optional<twilio_error> check_content(const form_params& params, const create_request& r) {
  if (r.from.empty() && r.messaging_service_sid.empty())
    return error(400, 21603, "A 'From' phone number is required.");
  if (!r.messaging_service_sid.empty() && !is_sid(r.messaging_service_sid, "MG"))
    return error(400, 21701, "The Messaging Service Sid " + r.messaging_service_sid
                               + " is invalid.");
  bool has_media = find_param(params, "MediaUrl").has_value();
  if (r.body.empty() && r.content_sid.empty() && !has_media)
    return error(400, 21602, "Message body is required.");
  if (utf8_length(r.body) > max_body_characters)
    return error(400, 21617, "The concatenated message body exceeds the 1600 character limit.");
  if (!r.content_sid.empty() && !is_sid(r.content_sid, "HX"))
    return error(400, 21655, "The ContentSid is Invalid.");
  if (auto variables = find_param(params, "ContentVariables")) {
    if (r.content_sid.empty())
      return error(400, 21654, "ContentSid Required");
    if (!json::parse(*variables, nullptr, false).is_object())
      return error(400, 21656, "The ContentVariables Parameter is invalid.");
  }
  if (!r.status_callback.empty() && !is_http_url(r.status_callback))
    return error(400, 21609, "The StatusCallback URL " + r.status_callback + " is not a valid URL.");
  return std::nullopt;
}

/// To must be a valid number on the same channel as From.
std::optional<twilio_error> check_addresses(create_request& r) {
  auto number = parse_phone(strip_whatsapp_prefix(r.to), "US");
  if (!number)
    return error(400, 21211, "The 'To' number " + r.to + " is not a valid phone number.");
  r.to_e164 = number->e164;
  if (!r.from.empty() && is_whatsapp_address(r.from) != r.whatsapp)
    return error(400, 21910, "Invalid From and To pair. From and To should be of the same channel");
  return std::nullopt;
}

/// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past
/// U+10FFFF).
bool is_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3
                                         : (lead >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || i + length > text.size())
      return false;
    std::uint32_t point = length == 1 ? lead : lead & (0x7FU >> length);
    for (std::size_t k = 1; k < length; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80)
        return false;
      point = (point << 6) | (next & 0x3FU);
    }
    constexpr std::array<std::uint32_t, 5> smallest{0, 0, 0x80, 0x800, 0x10000};
    if (point < smallest[length] || point > 0x10FFFF || (point >= 0xD800 && point <= 0xDFFF))
      return false;
    i += length;
  }
  return true;
}

/// Appends `text` as a JSON string; text that is not UTF-8 gets U+FFFD for each bad sequence,
/// as nlohmann::json's replacing dump writes it.
void append_string(std::string& out, std::string_view text) {
  if (!is_utf8(text)) {
    out += json(std::string{text}).dump(-1, ' ', false, json::error_handler_t::replace);
    return;
  }
  constexpr std::string_view hex = "0123456789abcdef";
  constexpr std::string_view shorts = "btn-fr"; // after a backslash, for 0x08 to 0x0D but 0x0B
  out += '"';
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte >= 0x08 && byte <= 0x0D && byte != 0x0B) {
      out += '\\';
      out += shorts[byte - 0x08];
    } else if (byte < 0x20) {
      out += "\\u00";
      out += hex[byte >> 4];
      out += hex[byte & 0x0F];
    } else {
      out += c;
    }
  }
  out += '"';
}

/// Appends `"name":` and the string `value` (null when empty and `empty_is_null`), then `,`.
void append_field(std::string& out, std::string_view name, std::string_view value,
                  bool empty_is_null = false) {
  out += '"';
  out += name;
  out += "\":";
  if (value.empty() && empty_is_null)
    out += "null";
  else
    append_string(out, value);
  out += ',';
}

} // namespace

std::string twilio_error_body(const twilio_error& e) {
  return json{{"code", e.code},
              {"message", e.message},
              {"more_info", "https://www.twilio.com/docs/errors/" + std::to_string(e.code)},
              {"status", e.http_status}}
    .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<twilio_error> check_account(std::string_view authorization,
                                          std::string_view path_sid,
                                          std::string_view account_sid,
                                          std::string_view auth_token) {
  if (!basic_credentials_match(authorization, account_sid, auth_token))
    return error(401, 20003, "Authenticate");
  if (!is_sid(path_sid, "AC"))
    return error(404, 20404, "The requested resource /2010-04-01/Accounts/" + std::string{path_sid}
                               + "/Messages.json was not found");
  if (path_sid != account_sid)
    return error(401, 20003, "Authenticate");
  return std::nullopt;
}

tl::expected<create_request, twilio_error> check_create(const form_params& params) {
  create_request r;
  r.to = param(params, "To");
  r.from = param(params, "From");
  r.messaging_service_sid = param(params, "MessagingServiceSid");
  r.body = param(params, "Body");
  r.content_sid = param(params, "ContentSid");
  r.content_variables = param(params, "ContentVariables");
  r.status_callback = param(params, "StatusCallback");
  r.whatsapp = is_whatsapp_address(r.to);
  if (r.to.empty())
    return tl::unexpected(error(400, 21604, "A 'To' phone number is required."));
  if (auto problem = check_content(params, r))
    return tl::unexpected(std::move(*problem));
  if (auto problem = check_addresses(r))
    return tl::unexpected(std::move(*problem));
  return r;
}

std::string message_resource_json(const sim_message& m) {
  auto uri = "/2010-04-01/Accounts/" + m.account_sid + "/Messages/" + m.sid;
  auto date = rfc2822_date(m.created);
  std::string out;
  out.reserve(640 + m.request.body.size());
  out += '{';
  append_field(out, "account_sid", m.account_sid);
  append_field(out, "api_version", "2010-04-01");
  append_field(out, "body", m.request.body);
  append_field(out, "date_created", date);
  out += R"("date_sent":null,)";
  append_field(out, "date_updated", date);
  append_field(out, "direction", "outbound-api");
  out += R"("error_code":null,"error_message":null,)";
  append_field(out, "from", m.request.from, true);
  append_field(out, "messaging_service_sid", m.request.messaging_service_sid, true);
  out += R"("num_media":"0","num_segments":"1","price":null,"price_unit":null,)";
  append_field(out, "sid", m.sid);
  append_field(out, "status", to_string(m.status));
  out += R"("subresource_uris":{)";
  append_field(out, "media", uri + "/Media.json");
  out.back() = '}';
  out += ',';
  append_field(out, "to", m.request.to);
  append_field(out, "uri", uri + ".json");
  out.back() = '}';
  return out;
}

std::string rfc2822_date(std::chrono::system_clock::time_point at) {
  auto seconds = std::chrono::system_clock::to_time_t(at);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::array<char, 40> text{};
  auto size = std::strftime(text.data(), text.size(), "%a, %d %b %Y %H:%M:%S +0000", &utc);
  return std::string(text.data(), size);
}

std::string random_sid(std::string_view prefix) {
  std::array<std::uint8_t, 16> bytes{};
  fill_random(bytes);
  constexpr std::string_view hex = "0123456789abcdef";
  std::string sid{prefix};
  for (auto byte : bytes) {
    sid += hex[byte >> 4];
    sid += hex[byte & 0x0F];
  }
  return sid;
}

} // namespace verity::net
