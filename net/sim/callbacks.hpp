#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/form.hpp"
#include "net/sim/create.hpp"
#include "net/sim/scenarios.hpp"

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace verity::net {

class curl_multi;
class sim_callback_pool;

/// How long each simulated step (carrier hop) takes: uniform in mean ± jitter, at least 0.
struct sim_latency {
  std::chrono::milliseconds mean{200};
  std::chrono::milliseconds jitter{100};
};

/// What the callback sender has done so far.
struct callback_counts {
  std::uint64_t answered = 0; ///< Callbacks the receiver answered with 2xx.
  std::uint64_t failed = 0;   ///< Callbacks that got another answer or none (after the retry).
  std::uint64_t retried = 0;  ///< Callbacks sent again after a connection failure.
  std::uint64_t dropped = 0;  ///< Callbacks dropped because the send queue was full (in failed).
  std::uint64_t delayed = 0;  ///< Callbacks that waited a second or more for a connection.
  std::uint64_t queued = 0;   ///< Callbacks waiting for a connection now.
  std::uint64_t connections = 0; ///< Keep-alive connections opened to callback receivers.
};

/// The parameters Twilio posts for one status of `message` (PROTOCOL.md, "Status callbacks"):
/// MessageSid, SmsSid, AccountSid, From, To, ApiVersion, MessageStatus, SmsStatus, ErrorCode on
/// failures; SMS adds RawDlrDoneDate on outcomes; WhatsApp adds ChannelPrefix,
/// ChannelInstallSid, ChannelToAddress, EventType and ChannelStatusMessage on failures.
form_params status_callback_params(const sim_message& message, const planned_callback& step,
                                   const std::string& channel_install_sid);

/// Posts a message's status callbacks to its StatusCallback URL, signed with X-Twilio-Signature,
/// one after the other, each after a latency draw (a duplicate right after its original);
/// a callback that cannot connect is sent once more, as Twilio does. http:// URLs go through
/// `pool` (keep-alive connections, bounded queue), https:// ones through libcurl. Thread-safe:
/// each message's callbacks run on a strand of their own.
class sim_callbacks {
public:
  /// Sends through `pool` and `http` (which must outlive this and run on `io`), signing with
  /// `auth_token`; `seed` 0 draws latencies from a random seed.
  sim_callbacks(boost::asio::io_context& io, sim_callback_pool& pool, curl_multi& http,
                std::string auth_token, sim_latency latency, std::uint64_t seed);
  ~sim_callbacks();

  sim_callbacks(const sim_callbacks&) = delete;
  sim_callbacks& operator=(const sim_callbacks&) = delete;

  /// Plays `steps` for `message`. The first callback goes out at once when `first_answered` is
  /// set, which is then called once it has been answered (or has failed).
  void play(sim_message message, std::vector<planned_callback> steps,
            std::function<void()> first_answered = {});

  /// The counts so far.
  callback_counts counts() const;

  /// True while the send queue is half full or more: new messages should be refused.
  bool saturated() const;

private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

} // namespace verity::net
