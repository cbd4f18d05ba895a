#pragma once

#include <memory>
#include <random>
#include <string>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/typed_response_promise.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"
#include "actors/verification_settings.hpp"
#include "engine/metrics.hpp"

namespace verity {

/// Everything a message actor starts with.
struct message_setup {
  message_record record;  ///< Already durably stored by the phone actor.
  std::string code;       ///< The code it carries: memory only, never logged or stored.
  phone_actor parent;     ///< Told of every durable change.
  egress_actor egress;
  storage_actor storage;
  std::shared_ptr<const verification_settings> settings;
  caf::actor_clock::time_point code_deadline;     ///< End of the code's lifetime.
  caf::actor_clock::time_point delivery_deadline; ///< Confirmation expected by then.
  bool send_now = true; ///< False for a recovered message that Twilio already has.
};

/// The state of one outbound message: its record, its retries, its random source for jitter.
struct message_state {
  static inline const char* name = "message";

  message_setup setup;
  /// The version of the record last handed to storage, which the next write replaces (at
  /// start the setup's record, which is durable).
  message_record written;
  unsigned retries = 0;
  retry_class retry_reason = retry_class::transport; ///< Why the planned retry is due.
  unsigned persisting = 0; ///< Writes of the record sent to storage and not yet answered.
  bool awaiting_create = false; ///< A create request is with egress, not answered yet.
  /// Callbacks that changed nothing, acknowledged once every write under way is durable (the
  /// state they confirm may still be on its way to disk).
  std::vector<caf::typed_response_promise<caf::ok_atom>> awaiting_durable;
  std::minstd_rand jitter{std::random_device{}()};

  /// The request the Twilio client gets.
  outbound_message outbound() const;

  /// Folds an event into the record; true if anything changed.
  bool merge(const status_event& event);
};

/// A message actor: asks the Twilio client to create the message, arms the delivery deadline,
/// retries transient failures with backoff and jitter within the code's lifetime, resends as the
/// approved template on 63016, and merges status callbacks forward-only. At its deadline, a
/// create still waiting in Verity's own egress queue is withdrawn: the message is never sent
/// and reads `timed_out` with the reason (`not_sent`). When its verification ends, it
/// withdraws such a create too, and quits. Every change is made
/// durable before it is reported to the phone actor or acknowledged to the webhook, and a
/// callback that changes nothing is acknowledged only once the state it repeats is durable.
message_actor::behavior_type message_actor_behavior(
  message_actor::stateful_pointer<message_state> self, message_setup setup);

} // namespace verity
