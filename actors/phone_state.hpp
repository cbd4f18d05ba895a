#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/actors.hpp"
#include "actors/verification_settings.hpp"
#include "engine/followup.hpp"

namespace verity {

/// A verification with live work: its record, its attempts and their actors. A phone rarely
/// has more than a few of these, so plain vectors (searched linearly) hold them: hash maps
/// would cost more memory per verification than they save in time.
struct live_verification {
  verification_record record;
  std::string code; ///< Plaintext while sends may need it; "" after recovery (none on disk).
  std::vector<message_record> attempts; ///< Latest records, in `record.messages` order.
  std::vector<message_actor> actors;    ///< The actor of each attempt, same order.
  caf::actor_clock::time_point code_deadline; ///< End of the code's lifetime (actor clock).
  std::uint64_t handled_failures = 0; ///< Bit i: the failure of attempt i was acted upon.
  bool fell_back = false; ///< The automatic fallback already sent its SMS: never again.
  std::uint64_t learned_failures = 0;   ///< Bit i: attempt i's failure was learned from.
  std::uint64_t learned_deliveries = 0; ///< Bit i: attempt i's delivery was learned from.

  /// The record and attempts as the API shows them.
  verification_view view() const;

  /// The index of attempt `id`, if it belongs here.
  std::optional<std::size_t> attempt_index(const message_id& id) const;

  /// Number of attempts made over `via`.
  std::size_t attempts_over(channel via) const;

  /// Marks the failure of attempt `index` as handled; false if it already was.
  bool mark_failure_handled(std::size_t index);

  /// Rebuilds what the follow-ups remember from the stored attempts of a recovered
  /// verification: the failures of every attempt but the latest were handled (only the latest
  /// has a follow-up), and the automatic fallback was made if an SMS attempt follows a
  /// WhatsApp one. The latest attempt's failure is left to act on.
  void restore_followups();
};

/// A long-poll request waiting for a change of the latest delivery state.
struct long_poll {
  std::uint64_t waiter = 0; ///< Names the wake-up timer of this request.
  verification_id id;
  std::optional<delivery_status> seen;
  caf::typed_response_promise<verification_view> promise;
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
  send_guard_actor send_guard;

  std::vector<live_verification> live;
  std::size_t awaiting_send_guard = 0; ///< Sends waiting for the send guard (no passivation).
  std::size_t persisting = 0; ///< Writes sent to storage and not yet answered (no passivation).
  std::size_t reading = 0; ///< Reads of ended verifications not yet answered (no passivation).
  std::vector<long_poll> waiters;
  std::uint64_t next_waiter = 0;
  std::uint64_t forwards_seen = 0; ///< The shard's count of forwards, as it last answered.

  /// The live verification `id`, or nullptr.
  live_verification* find_live(const verification_id& id);

  /// The live verification holding message `id`, with the message's index, or nullptr.
  std::pair<live_verification*, std::size_t> find_message(const message_id& id);

  /// Drops the live verification `id` (no-op if not live).
  void erase_live(const verification_id& id);

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

  /// A new attempt over `via` that the send limits refused: appended to `verification` as
  /// `failed` and never sent (`not_sent_reason::send_limit`), so not counted as a send.
  message_record& add_refused_attempt(live_verification& verification, channel via,
                                      timestamp now);

  /// The follow-up a failed `message` calls for, per the error and the fallback policy (see
  /// decide_followup).
  failure_followup followup_for(const live_verification& verification,
                                const message_record& message) const;

private:
  /// A new attempt over `via`, created at `now`, appended to `verification`.
  message_record& append_attempt(live_verification& verification, channel via,
                                 timestamp now) const;
};

} // namespace verity
