#pragma once

// The text of the message that carries a verification code.

#include <chrono>
#include <string>
#include <string_view>

#include "engine/verification.hpp"

namespace verity {

/// The free-form body that carries `code` over channel `via`, naming the service `brand`:
/// "Your Verity verification code is 123456. It expires in 15 minutes. Do not share it." SMS
/// adds " Reply STOP to opt out." (WhatsApp has its own block button); otherwise both channels
/// read the same. The lifetime is `code_ttl` in whole minutes (rounded down), at least 1. With
/// a brand of at most 30 GSM-7 characters, a 10-digit code and a lifetime under 10^9 minutes
/// the SMS fits one 160-character GSM-7 segment. The approved WhatsApp template has its own
/// text and takes only the code.
std::string code_message_text(channel via, std::string_view brand, std::string_view code,
                              std::chrono::milliseconds code_ttl);

} // namespace verity
