#pragma once

// The compatibility API's verified hook: the platform call that turns a successful verify-code
// into the platform's own answer (the seed's referral code and link).

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "engine/clock.hpp"
#include "engine/id.hpp"
#include "engine/standard_webhook.hpp"
#include "engine/verification.hpp"

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace verity::net {

class curl_multi;

/// What the platform is told when a code is approved through verify-code.
struct verified_event {
  verification_id id;
  std::string phone; ///< E.164: the platform needs the number it verified.
  channel via = channel::sms; ///< The channel that carried the code.
  timestamp at;
};

/// The body of a verified-hook call: {"type": "verification.approved", "timestamp",
/// "data": {"verification_id", "phone", "channel"}}.
std::string verified_event_body(const verified_event& event);

/// Calls VERITY_COMPAT_VERIFIED_HOOK: POSTs the event as JSON, signed per the Standard
/// Webhooks specification (`webhook-id` is the same for every call about one verification, so
/// the platform can recognise a repeat), and waits at most `timeout` for the answer. A 2xx
/// answer whose body is a JSON object (or empty) succeeds with that object; anything else
/// (another status, another body, no answer in time) fails with a reason for the log. Calls
/// run on the io_context's threads, never blocking them; thread-safe.
class verified_hook {
public:
  /// The object the platform answered, or why the call failed.
  using outcome = tl::expected<nlohmann::json, std::string>;
  using completion = std::function<void(outcome)>;

  /// A hook calling `url`, signing with `secrets`, over its own connections on `io`.
  verified_hook(boost::asio::io_context& io, std::string url,
                std::vector<webhook_secret> secrets,
                std::chrono::milliseconds timeout = std::chrono::milliseconds{2'000});
  ~verified_hook();
  verified_hook(const verified_hook&) = delete;
  verified_hook& operator=(const verified_hook&) = delete;

  /// Calls the platform about `event`; `done` runs once, on an io_context thread.
  void call(const verified_event& event, completion done);

private:
  std::string url_;
  std::vector<webhook_secret> secrets_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<curl_multi> http_;
};

} // namespace verity::net
