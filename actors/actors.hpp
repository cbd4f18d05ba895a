#pragma once

// Every typed actor interface of Verity, with the atoms and the type ID block they use.

#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>

#include "actors/inspect.hpp"
#include "actors/messages.hpp"
#include "engine/error.hpp"
#include "engine/stats.hpp"

namespace verity::atom {

// Atom texts are at most 10 characters (CAF 0.17).
using start = caf::atom_constant<caf::atom("start")>;
using get = caf::atom_constant<caf::atom("get")>;
using resend = caf::atom_constant<caf::atom("resend")>;
using check = caf::atom_constant<caf::atom("check")>;
using status = caf::atom_constant<caf::atom("status")>;
using inbound = caf::atom_constant<caf::atom("inbound")>;
using update = caf::atom_constant<caf::atom("update")>;
using send = caf::atom_constant<caf::atom("send")>;
using deadline = caf::atom_constant<caf::atom("deadline")>;
using retry = caf::atom_constant<caf::atom("retry")>;
using expire = caf::atom_constant<caf::atom("expire")>;
using wake = caf::atom_constant<caf::atom("wake")>;
using idle = caf::atom_constant<caf::atom("idle")>;
using create = caf::atom_constant<caf::atom("create")>;
using persist = caf::atom_constant<caf::atom("persist")>;
using load = caf::atom_constant<caf::atom("load")>;
using lookup = caf::atom_constant<caf::atom("lookup")>;
using phone = caf::atom_constant<caf::atom("phone")>;
using recover = caf::atom_constant<caf::atom("recover")>;
using acquire = caf::atom_constant<caf::atom("acquire")>;
using purge = caf::atom_constant<caf::atom("purge")>;
using stats = caf::atom_constant<caf::atom("stats")>;
using cancel = caf::atom_constant<caf::atom("cancel")>;
using withdraw = caf::atom_constant<caf::atom("withdraw")>;

} // namespace verity::atom

// Every type Verity's actors exchange has a type ID (and an `inspect` overload in
// actors/inspect.hpp), so messages are serializable: a prerequisite for sending them between
// processes. CAF_ENABLE_TYPE_ID_CHECKS (set for every target using CAF) makes a message with a
// type missing here a compile error.
CAF_BEGIN_TYPE_ID_BLOCK(verity, caf::first_custom_type_id)
  CAF_ADD_TYPE_ID(verity, (verity::verification_request))
  CAF_ADD_TYPE_ID(verity, (verity::verification_query))
  CAF_ADD_TYPE_ID(verity, (verity::verification_view))
  CAF_ADD_TYPE_ID(verity, (verity::message_record))
  CAF_ADD_TYPE_ID(verity, (verity::phone_record))
  CAF_ADD_TYPE_ID(verity, (verity::check_result))
  CAF_ADD_TYPE_ID(verity, (verity::phone_code_check))
  CAF_ADD_TYPE_ID(verity, (verity::phone_check_result))
  CAF_ADD_TYPE_ID(verity, (verity::status_callback))
  CAF_ADD_TYPE_ID(verity, (verity::inbound_message))
  CAF_ADD_TYPE_ID(verity, (verity::outbound_message))
  CAF_ADD_TYPE_ID(verity, (verity::create_result))
  CAF_ADD_TYPE_ID(verity, (verity::write_batch))
  CAF_ADD_TYPE_ID(verity, (verity::idempotency_record))
  CAF_ADD_TYPE_ID(verity, (verity::idempotency_query))
  CAF_ADD_TYPE_ID(verity, (verity::verification_id))
  CAF_ADD_TYPE_ID(verity, (verity::message_id))
  CAF_ADD_TYPE_ID(verity, (verity::channel))
  CAF_ADD_TYPE_ID(verity, (verity::stats_query))
  CAF_ADD_TYPE_ID(verity, (verity::phone_stats_query))
  CAF_ADD_TYPE_ID(verity, (verity::stats_report))
  CAF_ADD_TYPE_ID(verity, (verity::phone_stats_report))
  CAF_ADD_TYPE_ID(verity, (verity::not_sent_reason))
CAF_END_TYPE_ID_BLOCK(verity)

namespace verity {

/// The read half of storage: answered by a reader of its own, never behind an fsync.
using storage_reader_actor = caf::typed_actor<
  /// Reads a verification with its attempts; error `ec::not_found` if unknown.
  caf::replies_to<atom::load, verification_id>::with<verification_view>,
  /// Reads one message; error `ec::not_found` if unknown.
  caf::replies_to<atom::load, message_id>::with<message_record>,
  /// Finds the message id of a Twilio SID; error `ec::not_found` if unknown.
  caf::replies_to<atom::lookup, std::string>::with<message_id>,
  /// Reads the stored answer of an idempotency key, however old (the caller checks its age);
  /// error `ec::not_found` if unknown.
  caf::replies_to<atom::lookup, idempotency_query>::with<idempotency_record>,
  /// Reads a phone's record (a fresh one if the phone is unknown).
  caf::replies_to<atom::phone, std::string>::with<phone_record>,
  /// Sums the platform's delivery counters over a window of days.
  caf::replies_to<atom::stats, stats_query>::with<stats_report>,
  /// Reports one phone's recent messages over a window of days.
  caf::replies_to<atom::stats, phone_stats_query>::with<phone_stats_report>>;

/// The write half of storage: the group-commit writer, on a thread of its own.
using storage_writer_actor = caf::typed_actor<
  /// Commits a batch durably, then answers; errors `ec::storage_failed` (the backend refused
  /// the batch or its group commit) and `ec::invalid_request` (a record without id or phone).
  caf::replies_to<atom::persist, write_batch>::with<caf::ok_atom>>;

/// Durable state: the reads and the writes above, each write acknowledged only once it is on
/// disk (group commit).
using storage_actor = storage_reader_actor::extend_with<storage_writer_actor>;

/// The Twilio client: creates messages, answering with Twilio's result (never an error:
/// transport failures come back as `create_result` with `http_status` 0).
using egress_actor = caf::typed_actor<
  /// Asks Twilio to create one message.
  caf::replies_to<atom::create, outbound_message>::with<create_result>,
  /// Withdraws the create of a message that still waits in Verity's own queue: it will never
  /// reach Twilio, and its create is answered `withdrawn`. Answers why it was still waiting
  /// (`none` when it was not: already handed to Twilio, answered, or unknown).
  caf::replies_to<atom::withdraw, message_id>::with<not_sent_reason>>;

/// Holds the abuse limits against SMS pumping across every shard: sends per number prefix
/// (country code + 3 digits) with a circuit breaker per prefix, and sends per country code
/// (VERITY_PREFIX_LIMIT, VERITY_PREFIX_COOLDOWN, VERITY_COUNTRY_LIMIT).
using send_guard_actor = caf::typed_actor<
  /// Counts one send to an E.164 number; answers 0 when it may go out, else the milliseconds
  /// to wait.
  caf::replies_to<atom::acquire, std::string>::with<std::int64_t>,
  /// Timer: forgets idle counters and closed breakers.
  caf::reacts_to<atom::purge>>;

/// What the HTTP layer asks of verifications. Both the directory shards and the phone actors
/// answer it; a shard forwards to the phone actor that owns the verification.
using verification_api = caf::typed_actor<
  /// Starts a verification; answers once it is durably stored and its first message is on its
  /// way. Errors: `ec::opted_out`, `ec::rate_limited` (context: retry-after milliseconds).
  caf::replies_to<atom::start, verification_request>::with<verification_view>,
  /// Reads a verification, long-polling as the query says; error `ec::not_found`.
  caf::replies_to<atom::get, verification_query>::with<verification_view>,
  /// Sends the same code again over `channel`; errors `ec::not_found`, `ec::rate_limited`.
  caf::replies_to<atom::resend, verification_id, channel>::with<verification_view>,
  /// Checks a code; errors `ec::not_found` (unknown, expired, approved, canceled),
  /// `ec::max_attempts_reached` (every check once the wrong checks reached the limit).
  caf::replies_to<atom::check, verification_id, std::string>::with<check_result>,
  /// Cancels a pending verification once durably stored: its code never approves and its sends
  /// still waiting in Verity are dropped. A canceled one answers the same again. Errors
  /// `ec::not_found`, `ec::invalid_request` (approved, or ended otherwise).
  caf::replies_to<atom::cancel, verification_id>::with<verification_view>,
  /// Checks a code against the phone's latest verification, ended ones included (see
  /// check_ended); errors `ec::not_found`, `ec::max_attempts_reached`.
  caf::replies_to<atom::check, phone_code_check>::with<phone_check_result>,
  /// Applies a status callback; answers once it is durable (duplicates and stale callbacks too).
  caf::replies_to<atom::status, status_callback>::with<caf::ok_atom>,
  /// Applies an inbound message (opt-out keywords, WhatsApp window); answers once durable.
  caf::replies_to<atom::inbound, inbound_message>::with<caf::ok_atom>>;

/// A shard of the phone directory: finds or spawns the phone actor of `hash(phone) % shards`.
using phone_directory_actor = verification_api::extend<
  /// A phone actor holds no live work any more and asks to be dropped, saying how many
  /// messages of the shard it knows it has handled: the count this shard last answered it (0
  /// at first). The shard answers how many it has forwarded to that actor; when that is the
  /// number asked, it has forgotten the actor, which quits. A larger number means messages are
  /// on their way to it (see phone_directory.hpp).
  caf::replies_to<atom::idle, std::string, std::uint64_t>::with<std::uint64_t>,
  /// Rebuilds a phone actor for an in-flight verification found at start.
  caf::reacts_to<atom::recover, verification_view>>;

/// A phone actor: owns every live verification of one phone.
using phone_actor = verification_api::extend<
  /// A message actor reports a change of its record.
  caf::reacts_to<atom::update, message_record>,
  /// Rebuilds an in-flight verification found at start.
  caf::reacts_to<atom::recover, verification_view>,
  /// Timer: the code of a verification reached the end of its lifetime.
  caf::reacts_to<atom::expire, verification_id>,
  /// Timer: a long-poll waiter's wait ended.
  caf::reacts_to<atom::wake, std::uint64_t>>;

/// A message actor: one outbound message, its deadline and its retries.
using message_actor = caf::typed_actor<
  /// Applies a status callback; answers once the new state is durable.
  caf::replies_to<atom::status, status_callback>::with<caf::ok_atom>,
  /// Sends (or re-sends) the create request to Twilio.
  caf::reacts_to<atom::send>,
  /// Timer: the delivery deadline passed.
  caf::reacts_to<atom::deadline>,
  /// Timer: the backoff before a retry ended.
  caf::reacts_to<atom::retry>,
  /// Its verification ended: withdraws a create still waiting in egress, then quits.
  caf::reacts_to<atom::cancel>>;

} // namespace verity

CAF_ERROR_CODE_ENUM(verity::ec, "verity")
