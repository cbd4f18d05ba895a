#include "tests/support/form_schema.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <regex>

namespace verity::test {

namespace {

using json = nlohmann::json;

/// Characters of a UTF-8 text.
std::size_t characters(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool is_integer(std::string_view text) {
  long long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && error == std::errc{} && end == text.data() + text.size();
}

bool is_number(std::string_view text) {
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && error == std::errc{} && end == text.data() + text.size();
}

/// An absolute URI with a scheme and, for http(s), a host without underscores (the spec's
/// StatusCallback description: "URL must contain a valid hostname and underscores are not
/// allowed").
bool is_uri(const std::string& text) {
  static const std::regex uri{R"(^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$)"};
  static const std::regex web{R"(^https?://([^/?#@:]+)(:\d{1,5})?([/?#][^\s]*)?$)"};
  if (!std::regex_match(text, uri))
    return false;
  if (!text.starts_with("http://") && !text.starts_with("https://"))
    return true;
  std::smatch parts;
  return std::regex_match(text, parts, web) && parts[1].str().find('_') == std::string::npos;
}

/// What the spec's `phone-number` format covers: an E.164 number, optionally as a channel
/// address ("whatsapp:+14155238886"), a short code or an alphanumeric sender ID.
bool is_phone_number(const std::string& text) {
  static const std::regex address{R"(^([a-z]+:)?\+[1-9][0-9]{1,14}$)"};
  static const std::regex short_code{R"(^[0-9]{3,8}$)"};
  static const std::regex alphanumeric{R"(^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$)"};
  return std::regex_match(text, address) || std::regex_match(text, short_code)
         || std::regex_match(text, alphanumeric);
}

std::string field_name(std::string_view name) {
  return "'" + std::string{name} + "'";
}

void check_type(std::string_view name, const std::string& value, const json& schema,
                std::vector<std::string>& problems) {
  auto type = schema.value("type", std::string{"string"});
  bool fits = type == "string" || (type == "integer" && is_integer(value))
              || (type == "number" && is_number(value))
              || (type == "boolean" && (value == "true" || value == "false"));
  if (!fits)
    problems.push_back(field_name(name) + " is not of type " + type + ": " + value);
}

void check_format(std::string_view name, const std::string& value, const json& schema,
                  std::vector<std::string>& problems) {
  if (!schema.contains("format") || schema.value("/x-twilio/ignoreFormat"_json_pointer, false))
    return;
  auto format = schema["format"].get<std::string>();
  if (format == "uri" && !is_uri(value))
    problems.push_back(field_name(name) + " is not a URI: " + value);
  else if (format == "phone-number" && !is_phone_number(value))
    problems.push_back(field_name(name) + " is not a phone number or channel address: " + value);
  else if (format != "uri" && format != "phone-number")
    problems.push_back(field_name(name) + " has format " + format + ", which the checker cannot check");
}

/// The fields by name, each with its values in body order.
std::map<std::string, std::vector<std::string>> by_name(const form_params& fields) {
  std::map<std::string, std::vector<std::string>> grouped;
  for (const auto& [name, value] : fields)
    grouped[name].push_back(value);
  return grouped;
}

/// True when `present` satisfies `schema`'s `required`, `allOf` and `anyOf` (recursively).
bool satisfies(const json& schema, const std::map<std::string, std::vector<std::string>>& present,
               std::vector<std::string>& problems) {
  bool ok = true;
  for (const auto& name : schema.value("required", json::array()))
    if (!present.contains(name.get<std::string>())) {
      problems.push_back(field_name(name.get<std::string>()) + " is required");
      ok = false;
    }
  for (const auto& part : schema.value("allOf", json::array()))
    ok = satisfies(part, present, problems) && ok;
  if (schema.contains("anyOf")) {
    std::vector<std::string> ignored;
    const auto& choices = schema["anyOf"];
    if (std::none_of(choices.begin(), choices.end(),
                     [&](const json& choice) { return satisfies(choice, present, ignored); })) {
      problems.push_back("none of the alternatives is satisfied: " + choices.dump());
      ok = false;
    }
  }
  return ok;
}

} // namespace

std::vector<std::string> check_value(std::string_view name, std::string_view value,
                                     const json& schema) {
  std::vector<std::string> problems;
  std::string text{value};
  check_type(name, text, schema, problems);
  if (schema.contains("enum")
      && std::find(schema["enum"].begin(), schema["enum"].end(), json(text)) == schema["enum"].end())
    problems.push_back(field_name(name) + " is not one of " + schema["enum"].dump() + ": " + text);
  if (schema.contains("pattern")
      && !std::regex_search(text, std::regex{schema["pattern"].get<std::string>()}))
    problems.push_back(field_name(name) + " does not match " + schema["pattern"].get<std::string>()
                       + ": " + text);
  if (characters(text) < schema.value("minLength", std::size_t{0}))
    problems.push_back(field_name(name) + " is shorter than " + schema["minLength"].dump());
  if (schema.contains("maxLength") && characters(text) > schema["maxLength"].get<std::size_t>())
    problems.push_back(field_name(name) + " is longer than " + schema["maxLength"].dump());
  check_format(name, text, schema, problems);
  return problems;
}

std::vector<std::string> check_form(const form_params& fields, const json& schema) {
  std::vector<std::string> problems;
  auto present = by_name(fields);
  const auto& properties = schema.value("properties", json::object());
  for (const auto& [name, values] : present) {
    if (!properties.contains(name)) {
      problems.push_back(field_name(name) + " is not a property the schema declares");
      continue;
    }
    const auto& property = properties[name];
    bool array = property.value("type", "") == "array";
    if (!array && values.size() > 1)
      problems.push_back(field_name(name) + " is given " + std::to_string(values.size())
                         + " times but is not an array");
    for (const auto& value : values)
      for (auto& problem : check_value(name, value, array ? property["items"] : property))
        problems.push_back(std::move(problem));
  }
  satisfies(schema, present, problems);
  return problems;
}

} // namespace verity::test
