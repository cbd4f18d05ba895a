#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <tl/expected.hpp>

#include "actors/messages.hpp"
#include "engine/error.hpp"
#include "engine/stats.hpp"

namespace verity::net {

struct api_context;

/// Why an engine request failed, as the HTTP edge needs it.
struct engine_failure {
  ec code = ec::none; ///< `ec::none`: an unexpected failure (answered 500 `internal`).
  std::chrono::milliseconds retry_after{0}; ///< For `rate_limited` and `overloaded`.
};

/// An engine answer or why there is none.
template <class T>
using engine_result = tl::expected<T, engine_failure>;

/// Receives an engine answer, once, on a CAF worker thread.
template <class T>
using engine_callback = std::function<void(engine_result<T>)>;

/// The engine's acknowledgement of a durable write.
struct acknowledged {};

/// The HTTP side's handle on the actor system, free of CAF types: picks the directory shard of a
/// phone or an id, makes the request through the actor bridge with the right timeout, and turns
/// caf::errors into engine failures (timeouts and a full bridge become `ec::overloaded`).
/// Thread-safe; callbacks run on CAF worker threads.
class actor_gateway {
public:
  /// A gateway to the shards, storage and limits of `context`.
  explicit actor_gateway(const api_context& context);
  ~actor_gateway();
  actor_gateway(const actor_gateway&) = delete;
  actor_gateway& operator=(const actor_gateway&) = delete;

  /// Starts a verification (routed by the phone).
  void start(verification_request request, engine_callback<verification_view> done);

  /// Reads a verification, long-polling for at most `query.wait` (capped at `max_wait`).
  void get(verification_query query, engine_callback<verification_view> done);

  /// Sends the code of verification `id` again over `via`.
  void resend(verification_id id, channel via, engine_callback<verification_view> done);

  /// Checks `code` against verification `id`.
  void check(verification_id id, std::string code, engine_callback<check_result> done);

  /// Cancels verification `id`.
  void cancel(verification_id id, engine_callback<verification_view> done);

  /// Checks `check.code` against the latest verification of `check.phone`, an approved one
  /// included while its code lives (routed by the phone).
  void check_latest(phone_code_check check, engine_callback<phone_check_result> done);

  /// Applies a status callback (routed by its recipient's phone).
  void status(status_callback callback, engine_callback<acknowledged> done);

  /// Applies an inbound message (routed by its phone).
  void inbound(inbound_message message, engine_callback<acknowledged> done);

  /// True when a storage actor was given, so messages (and stats) can be read.
  bool reads_messages() const noexcept;

  /// Reads one message from storage.
  void load_message(message_id id, engine_callback<message_record> done);

  /// Finds the message id of a Twilio SID in storage.
  void find_message(std::string twilio_sid, engine_callback<message_id> done);

  /// Reads the stored answer of a scoped idempotency key, whatever its age: nullopt when there
  /// is none (always, without a storage actor).
  void find_answer(std::string key, engine_callback<std::optional<idempotency_record>> done);

  /// Reads the platform's delivery statistics from storage.
  void platform_stats(stats_query query, engine_callback<stats_report> done);

  /// Reads one phone's delivery statistics from storage.
  void phone_stats(phone_stats_query query, engine_callback<phone_stats_report> done);

  /// Writes a readiness probe through the storage writer (a real, durable write); answers
  /// once it is on disk.
  void probe_storage(engine_callback<acknowledged> done);

  /// The longest long poll allowed.
  std::chrono::milliseconds max_wait() const noexcept;

  /// Requests currently waiting for an actor.
  std::size_t in_flight() const noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace verity::net
