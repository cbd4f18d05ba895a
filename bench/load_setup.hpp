#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/bench_phones.hpp"
#include "bench/load_runner.hpp"
#include "bench/load_scenario.hpp"

namespace verity::bench {

/// What a setup phase creates before a run that refers to existing verifications.
struct setup_plan {
  load_plan load;          ///< Server and connections (rate, threads and duration are ignored).
  std::string api_key;
  std::uint64_t count = 0; ///< Verifications to create.
  std::uint64_t first = 0; ///< Index of the first phone number (see bench_phone).
  phone_fate fate = phone_fate::delivered;
};

/// Creates `plan.count` WhatsApp verifications as fast as the server takes them, then reads
/// each back once to learn its Twilio SID. Returns those answered 201 (the others are left
/// out, and said so on standard error).
std::vector<created_verification> create_verifications(const setup_plan& plan);

/// Creates `plan.count` WhatsApp messages through the compatibility route (Verity's or the seed
/// reference's; `plan.api_key` is not used) as fast as the server takes them. Returns those
/// answered `"success": true`, each with its phone and Twilio SID (no id or message id).
std::vector<created_verification> create_compat_messages(const setup_plan& plan);

} // namespace verity::bench
