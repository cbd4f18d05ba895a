#include "net/http/message.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace verity::net {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

} // namespace

std::string_view http_request::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (iequals(key, name))
      return value;
  return {};
}

std::vector<std::string_view> http_request::header_lines(std::string_view name) const {
  std::vector<std::string_view> lines;
  for (const auto& [key, value] : headers)
    if (iequals(key, name))
      lines.emplace_back(value);
  return lines;
}

std::string_view http_request::path() const {
  std::string_view whole = target;
  return whole.substr(0, whole.find('?'));
}

std::string_view http_request::query() const {
  std::string_view whole = target;
  auto mark = whole.find('?');
  return mark == std::string_view::npos ? std::string_view{} : whole.substr(mark + 1);
}

std::string_view http_request::path_param(std::string_view name) const {
  for (const auto& [key, value] : path_params)
    if (key == name)
      return value;
  return {};
}

http_response error_response(int status, std::string_view code, std::string_view message) {
  nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
  return {status, "application/json", body.dump(), {}};
}

} // namespace verity::net
