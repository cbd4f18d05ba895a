#include "engine/fallback_policy.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace verity {

namespace {

/// The names of the policies, in enumerator order.
constexpr std::array<std::string_view, 3> policy_names = {"manual", "auto", "none"};

/// True when `text` is `name` in any case (ASCII).
bool same_ignoring_case(std::string_view text, std::string_view name) {
  return std::equal(text.begin(), text.end(), name.begin(), name.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
}

} // namespace

std::string_view to_string(fallback_policy policy) {
  return policy_names[static_cast<std::size_t>(policy)];
}

tl::expected<fallback_policy, std::string> parse_fallback(std::string_view text) {
  for (std::size_t i = 0; i < policy_names.size(); ++i)
    if (same_ignoring_case(text, policy_names[i]))
      return static_cast<fallback_policy>(i);
  return tl::unexpected(std::string{"expected manual, auto or none"});
}

} // namespace verity
