#include "engine/message_text.hpp"

#include <algorithm>

namespace verity {

namespace {

/// "1 minute", "15 minutes": `code_ttl` in whole minutes, at least 1.
std::string lifetime_text(std::chrono::milliseconds code_ttl) {
  auto minutes = std::max<std::int64_t>(
    1, std::chrono::duration_cast<std::chrono::minutes>(code_ttl).count());
  return std::to_string(minutes) + (minutes == 1 ? " minute" : " minutes");
}

} // namespace

std::string code_message_text(channel via, std::string_view brand, std::string_view code,
                              std::chrono::milliseconds code_ttl) {
  auto text = "Your " + std::string{brand} + " verification code is " + std::string{code}
              + ". It expires in " + lifetime_text(code_ttl) + ". Do not share it.";
  if (via == channel::sms)
    text += " Reply STOP to opt out.";
  return text;
}

} // namespace verity
