#pragma once

// The keywords an inbound message may carry to opt its sender out of messages or back in.

#include <cstdint>
#include <string_view>

namespace verity {

/// What an inbound message asks of its sender's phone record.
enum class inbound_action : std::uint8_t { none, opt_out, opt_in };

/// What an inbound Body asks for: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END or QUIT opt the sender
/// out; START, UNSTOP or YES opt it back in. The whole Body, trimmed of spaces, tabs and line
/// breaks, must be the keyword (any case); anything else asks for nothing.
inbound_action keyword_action(std::string_view body);

} // namespace verity
