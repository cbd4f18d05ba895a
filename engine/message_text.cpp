#include "engine/message_text.hpp"

#include <algorithm>

namespace verity {

std::string code_message_text(std::string_view code, std::chrono::milliseconds code_ttl) {
  auto minutes = std::chrono::duration_cast<std::chrono::minutes>(code_ttl).count();
  return "Your verification code is " + std::string{code} + ". It expires in "
         + std::to_string(std::max<decltype(minutes)>(1, minutes)) + " minutes. Do not share it.";
}

} // namespace verity
