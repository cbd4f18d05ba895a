#pragma once

#include <cstdint>
#include <string>

namespace verity::bench {

/// What the Twilio simulator is to do with a benchmark number (net/README.md, scenarios).
enum class phone_fate {
  delivered,       ///< Ends in a line the simulator scripts nothing for: sent, delivered, read.
  never_delivered, ///< Ends in 0001: sent, then nothing (the benchmark sends the rest).
};

/// The E.164 US number `index` of a fate, valid for libphonenumber and spread over 16 area
/// codes (so over many send-limit prefixes). Distinct for indexes below about 126 million
/// (delivered) or 12,672 (never delivered); beyond, numbers repeat.
std::string bench_phone(std::uint64_t index, phone_fate fate);

} // namespace verity::bench
