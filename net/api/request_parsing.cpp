#include "net/api/request_parsing.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace verity::net {

namespace {

/// The deepest nesting of arrays and objects a request body may have.
constexpr int max_json_depth = 32;

/// `text` without leading and trailing spaces and tabs.
std::string_view trim(std::string_view text) {
  auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos)
    return {};
  auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

/// True when brackets outside strings never nest deeper than `limit`.
bool nesting_within(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '[' || c == '{')
      ++depth;
    else if (c == ']' || c == '}')
      --depth;
    if (depth > limit)
      return false;
  }
  return true;
}

} // namespace

bool has_media_type(const http_request& request, std::string_view media_type) {
  auto value = request.header("Content-Type");
  return iequals(trim(value.substr(0, value.find(';'))), media_type);
}

std::string_view bearer_token(const http_request& request) {
  constexpr std::string_view scheme = "bearer ";
  auto value = trim(request.header("Authorization"));
  if (value.size() <= scheme.size() || !iequals(value.substr(0, scheme.size()), scheme))
    return {};
  return trim(value.substr(scheme.size()));
}

tl::expected<nlohmann::json, std::string> parse_json_object(std::string_view body) {
  if (trim(body).empty())
    return tl::make_unexpected("The request body is empty; a JSON object is expected.");
  if (!nesting_within(body, max_json_depth))
    return tl::make_unexpected("The request body is nested too deeply.");
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded())
    return tl::make_unexpected("The request body is not valid JSON.");
  if (!parsed.is_object())
    return tl::make_unexpected("The request body must be a JSON object.");
  return parsed;
}

tl::expected<std::optional<std::string>, std::string> string_field(const nlohmann::json& object,
                                                                   std::string_view name) {
  auto found = object.find(name);
  if (found == object.end() || found->is_null())
    return std::nullopt;
  if (!found->is_string())
    return tl::make_unexpected("Field '" + std::string(name) + "' must be a string.");
  return found->get<std::string>();
}

std::string to_body(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace verity::net
