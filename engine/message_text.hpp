#pragma once

// The text of the message that carries a verification code.

#include <chrono>
#include <string>
#include <string_view>

namespace verity {

/// The free-form body that carries `code`, the same over WhatsApp and SMS: "Your verification
/// code is 123456. It expires in 15 minutes. Do not share it." The lifetime is `code_ttl` in
/// whole minutes (rounded down), at least 1. The approved WhatsApp template has its own text and
/// takes only the code.
std::string code_message_text(std::string_view code, std::chrono::milliseconds code_ttl);

} // namespace verity
