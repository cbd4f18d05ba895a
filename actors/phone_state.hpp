#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/actors.hpp"
#include "actors/verification_settings.hpp"

namespace verity {

/// A verification with live work: its record, its attempts and their actors.
struct live_verification {
  verification_record record;
  std::string code; ///< Plaintext while sends may need it; "" after recovery (none on disk).
  std::vector<message_record> attempts;           ///< Latest records, in `record.messages` order.
  std::unordered_map<message_id, message_actor> actors;
  caf::actor_clock::time_point code_deadline;     ///< End of the code's lifetime (actor clock).
  std::unordered_set<message_id> handled_failures; ///< Failures already acted upon (once each).
  bool fell_back = false; ///< The automatic fallback already sent its SMS: never again.

  /// The record and attempts as the API shows them.
  verification_view view() const;

  /// The attempt record of `id`, if it belongs here.
  message_record* attempt(const message_id& id);

  /// Number of attempts made over `via`.
  std::size_t attempts_over(channel via) const;
};

/// A long-poll request waiting for a change of the latest delivery state.
struct long_poll {
  verification_id id;
  std::optional<delivery_status> seen;
  caf::typed_response_promise<verification_view> promise;
};

/// What to do after a message failed (decided once per failed message).
enum class failure_followup {
  nothing,         ///< Wait for the client (manual fallback), or no other channel (none).
  same_channel,    ///< Transient: a new attempt over the same channel.
  as_template,     ///< Outside the WhatsApp window: a new attempt as the approved template.
  sms_fallback,    ///< Automatic fallback: the same code by SMS, now.
};

/// The state of one phone actor.
struct phone_state {
  static inline const char* name = "phone";

  phone_state() = default;
  phone_state(const phone_state&) = delete;
  phone_state& operator=(const phone_state&) = delete;

  /// Stops the message actors still running (the phone actor is going away).
  ~phone_state();

  std::string phone;
  phone_record record;
  phone_directory_actor directory;
  egress_actor egress;
  storage_actor storage;
  std::shared_ptr<const verification_settings> settings;

  std::unordered_map<verification_id, live_verification> live;
  std::unordered_map<message_id, verification_id> message_owner;
  std::unordered_map<std::uint64_t, long_poll> waiters;
  std::uint64_t next_waiter = 0;
  std::uint64_t received_from_directory = 0; ///< For the passivation handshake.

  /// The routing key of this phone, embedded in every id issued for it.
  std::uint32_t routing_key() const;

  /// How long until one more send fits the per-phone limit (0 when it fits now). Forgets sends
  /// older than the window.
  std::chrono::milliseconds send_limit_wait(timestamp now);

  /// True while this phone's WhatsApp 24-hour window is open at `now`.
  bool whatsapp_window_open(timestamp now) const;

  /// A new pending verification for `request` with a fresh code (kept in `code`).
  live_verification make_verification(const verification_request& request, timestamp now,
                                      caf::actor_clock::time_point clock_now) const;

  /// Replaces the code of `verification` with a fresh one (after recovery, none is known).
  void renew_code(live_verification& verification) const;

  /// A new attempt over `via`, appended to `verification` and counted against the send limit.
  message_record& add_attempt(live_verification& verification, channel via, timestamp now);

  /// The follow-up a failed `message` calls for, per the error and the fallback policy.
  failure_followup followup_for(const live_verification& verification,
                                const message_record& message) const;

  /// The text of a code message.
  std::string message_body(const live_verification& verification) const;
};

} // namespace verity
