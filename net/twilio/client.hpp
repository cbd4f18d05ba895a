#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "actors/messages.hpp"
#include "net/twilio/egress_pacer.hpp"
#include "net/twilio/request.hpp"

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace verity {
class metrics;
} // namespace verity

namespace verity::net {

class curl_multi;
class egress_health;

/// What the Twilio client needs to know.
struct twilio_client_settings {
  twilio_account account;
  egress_limits limits;
  std::chrono::milliseconds connect_timeout{5'000}; ///< TCP + TLS connect to Twilio.
  std::chrono::milliseconds total_timeout{10'000};  ///< A whole create request.
  metrics* recorder = nullptr; ///< Counts and times requests Twilio answers; null: nowhere.
  /// Keeps the latest outcome on the wire for readiness probes; null: not kept.
  std::shared_ptr<egress_health> health;
};

/// Creates messages at Twilio over a shared `curl_multi`: paced per sender, at most
/// `max_in_flight` on the wire, at most `max_queued` waiting. Every request gets exactly one
/// answer, as Twilio gave it (see read_create_response), or at once:
/// - the queue is full: http_status 0, error_message "egress queue full" (retryable);
/// - the message cannot be built (no sender for its channel, no template configured):
///   http_status 400 without an error code (permanent), error_message saying why.
class twilio_client {
public:
  /// Delivers one answer on an Asio thread of `io`. Must not throw.
  using completion = std::function<void(create_result)>;

  /// A client whose timers run on `io` and whose requests go through `http` (which must
  /// outlive it and run on the same io_context).
  twilio_client(boost::asio::io_context& io, curl_multi& http, twilio_client_settings settings);

  /// Abandons requests not answered yet: their completions are never called.
  ~twilio_client();

  twilio_client(const twilio_client&) = delete;
  twilio_client& operator=(const twilio_client&) = delete;

  /// Asks Twilio to create `message`; `done` gets the answer. Thread-safe, never blocks.
  /// Requests that arrive together start together.
  void create(outbound_message message, completion done);

  /// Withdraws the create of message `id` if it still waits in the queue: it is never sent,
  /// and its completion gets `withdrawn` (http_status 0). `done` gets what held it back, or
  /// `none` when it was not waiting (already on the wire, answered or unknown). Thread-safe,
  /// never blocks; ordered after the `create` calls made before it on the same thread.
  void withdraw(message_id id, std::function<void(not_sent_reason)> done);

  /// Authenticates every request built from now on with `auth_token` (a rotated Twilio token).
  /// Thread-safe, never blocks; requests already queued keep the token they were built with.
  void set_auth_token(std::string auth_token);

private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

} // namespace verity::net
