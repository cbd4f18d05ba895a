#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_phones.hpp"
#include "bench/load_scenario.hpp"

namespace verity::bench {

/// `POST /v1/verifications` to the number `first + sequence` of `fate`, on `channel`.
std::unique_ptr<scenario> send_verifications(std::string api_key, std::uint64_t first,
                                             phone_fate fate, std::string channel);

/// `POST /api/referrals/send-verification` (the seed app's route) to number `first + sequence`
/// of `fate`.
std::unique_ptr<scenario> compat_sends(std::uint64_t first, phone_fate fate, std::string method);

/// `GET /v1/verifications/{id}` over `created`, round robin.
std::unique_ptr<scenario> status_reads(std::string api_key,
                                       const std::vector<created_verification>& created);

/// `GET /api/referrals/delivery-status/{messageSid}` over `created`, round robin.
std::unique_ptr<scenario> compat_status_reads(const std::vector<created_verification>& created);

/// Where status callbacks go.
enum class callback_route {
  v1,     ///< `POST /v1/webhooks/twilio/status?message_id=...` (the URL Verity gives Twilio).
  compat, ///< `POST /api/referrals/sms-status-callback` (the seed's; found by MessageSid).
};

/// Signed status callbacks to `route` for the messages of `created`, round robin: each
/// message gets `delivered`, then `read`, then `read` again (duplicates from the third round
/// on). `public_url` is the base the engine checks signatures against; `from` the sender.
std::unique_ptr<scenario> status_callbacks(const std::vector<created_verification>& created,
                                           callback_route route, const std::string& auth_token,
                                           const std::string& public_url,
                                           const std::string& account_sid,
                                           const std::string& from);

/// `GET path`: the reference against a server that answers at once (nginx `return 200`).
std::unique_ptr<scenario> plain_gets(std::string path);

} // namespace verity::bench
