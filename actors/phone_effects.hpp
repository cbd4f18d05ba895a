#pragma once

// What the phone actor's handlers share: durable writes, message actors, long-poll wake-ups
// and the end of a verification's live work. Internal to actors/phone_*.cpp.

#include <chrono>
#include <functional>
#include <optional>

#include "actors/phone_actor.hpp"
#include "engine/clock.hpp"

namespace verity::phone_effects {

using self_pointer = phone_actor::stateful_pointer<phone_state>;

/// What runs once a durable write finished: no error when it is on disk.
using done_handler = std::function<void(caf::error)>;

/// Stores `batch` durably, then runs `done(error)` (no error when durable).
void persist(self_pointer self, write_batch batch, done_handler done);

/// Starts the message actor of `message`; it sends at once unless Twilio already has it, and
/// expects a delivery confirmation within `until_deadline`.
void spawn_message(self_pointer self, live_verification& verification,
                   const message_record& message, bool send_now,
                   std::chrono::milliseconds until_deadline);

/// Answers every long poll on `id` whose client has not seen the current delivery state (all of
/// them when `finished`).
void notify_waiters(self_pointer self, const verification_id& id, bool finished);

/// Asks the shard to let this actor go once nothing is live, waiting or being stored (a write
/// still owes its answer), and again while the shard answers that it forwarded more since (the
/// handshake in phone_directory.hpp).
void maybe_passivate(self_pointer self);

/// Ends the live work of a verification that left `pending` (its record is already durable):
/// its message actors withdraw what still waits in egress and quit.
void finish(self_pointer self, const verification_id& id);

/// The batch that stores a verification with a new message of it (none stored before), if
/// any, and the phone record.
write_batch batch_of(const phone_state& state, const live_verification& verification,
                     const message_record* message);

/// Asks the send guard to count one send to this phone (its prefix and country), then runs
/// `then` with the time to wait (0: go ahead). Without a guard, runs it at once with 0.
void acquire_send_slot(self_pointer self, std::function<void(std::chrono::milliseconds)> then);

/// Adds an attempt over `via`, stores it (with `key`, the Idempotency-Key that started the
/// verification, when set), starts its actor and, when durable, runs `done`.
void send_attempt(self_pointer self, live_verification& verification, channel via,
                  bool as_template, done_handler done,
                  std::optional<idempotency_record> key = std::nullopt);

/// Sends an attempt over `via` that no client request asked for (a follow-up of a failure, or a
/// recovery resend) through the same limits as a start or a resend: the send guard (prefix,
/// country, breaker), then the per-phone limit. When a limit refuses, the attempt is stored
/// `failed` with `not_sent_reason::send_limit` (never sent; nothing follows it), logged and
/// counted. Does nothing if verification `id` stopped being pending meanwhile.
void send_guarded(self_pointer self, const verification_id& id, channel via, bool as_template);

/// Acts once on the failure of attempt `index` of `verification` while it is pending: learns
/// what the failure says about the phone and sends the follow-up the policy calls for
/// (`phone_state::followup_for`), through `send_guarded`. A failure already handled is left.
void act_on_failure(self_pointer self, live_verification& verification, std::size_t index);

/// Rebuilds a verification found in flight at start. Every attempt gets its actor back without
/// sending (deadlines that passed while down fire at once); when the latest one was never
/// confirmed by Twilio, a new attempt over its channel carries a fresh code, since plaintext
/// codes are never stored (the old code stops matching). When the latest one had already
/// failed or timed out, its follow-up (e.g. the automatic SMS fallback, also with a fresh code)
/// is sent now: a follow-up that was made is a newer stored attempt, so it is never repeated.
/// Both go through `send_guarded`.
void recover(self_pointer self, verification_view& view);

} // namespace verity::phone_effects
