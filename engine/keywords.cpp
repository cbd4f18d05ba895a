#include "engine/keywords.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace verity {

namespace {

constexpr std::array<std::string_view, 6> opt_out_keywords = {"STOP",   "STOPALL", "UNSUBSCRIBE",
                                                              "CANCEL", "END",     "QUIT"};
constexpr std::array<std::string_view, 3> opt_in_keywords = {"START", "UNSTOP", "YES"};

} // namespace

inbound_action keyword_action(std::string_view body) {
  auto first = body.find_first_not_of(" \t\r\n");
  auto last = body.find_last_not_of(" \t\r\n");
  if (first == std::string_view::npos)
    return inbound_action::none;
  std::string word(body.substr(first, last - first + 1));
  std::transform(word.begin(), word.end(), word.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  auto is = [&word](std::string_view keyword) { return word == keyword; };
  if (std::any_of(opt_out_keywords.begin(), opt_out_keywords.end(), is))
    return inbound_action::opt_out;
  if (std::any_of(opt_in_keywords.begin(), opt_in_keywords.end(), is))
    return inbound_action::opt_in;
  return inbound_action::none;
}

} // namespace verity
