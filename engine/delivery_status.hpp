#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/clock.hpp"

namespace verity {

/// The delivery status of one outbound message: Twilio's outbound statuses plus the engine's
/// own `created` (the create request is on its way; API v1 shows it as delivery state "sending")
/// and `timed_out` (no confirmation by the delivery deadline).
///
/// The enumerators are declared in lattice order: merging two statuses keeps the greater one.
/// Progress (accepted .. sent) is overtaken by any outcome; among outcomes the stronger evidence
/// of delivery wins (a carrier `delivered` outranks an earlier `failed`, and `read` is the top).
/// Never reorder: the numeric values are stored.
enum class delivery_status : std::uint8_t {
  created,             ///< Engine: the create request is on its way to Twilio.
  accepted,            ///< Twilio: accepted by a Messaging Service.
  scheduled,           ///< Twilio: scheduled for later sending.
  queued,              ///< Twilio: queued for the carrier.
  sending,             ///< Twilio: being dispatched to the carrier.
  sent,                ///< Twilio: accepted by the carrier.
  timed_out,           ///< Engine: the delivery deadline passed without a confirmation.
  canceled,            ///< Twilio: a scheduled message was canceled.
  failed,              ///< Twilio: could not be sent.
  undelivered,         ///< Twilio: the carrier reported it was not delivered.
  partially_delivered, ///< Twilio: some parts were delivered.
  delivered,           ///< Twilio: the carrier confirmed delivery.
  read,                ///< Twilio (WhatsApp): the recipient opened it; implies `delivered`.
};

/// Number of `delivery_status` values.
inline constexpr std::size_t delivery_status_count = 13;

/// The API name of a status, e.g. "timed_out".
std::string_view to_string(delivery_status status);

/// Parses a status name as `to_string` writes it (which covers every outbound status Twilio sends
/// in `MessageStatus`). Inbound statuses (`receiving`, `received`) and unknown values give
/// `std::nullopt`.
std::optional<delivery_status> parse_delivery_status(std::string_view text);

/// True once the carrier confirmed the message reached the handset (`delivered` or `read`).
bool is_delivered(delivery_status status);

/// True for outcomes that mean this message will not reach the recipient as things stand:
/// `failed`, `undelivered`, `canceled` and `timed_out` (a later confirmation still counts).
bool is_failure(delivery_status status);

/// True while no outcome is known yet.
bool is_pending(delivery_status status);

class delivery_state;

/// Milliseconds from the create request (or, without it, queueing) to the first delivery
/// confirmation, never negative; nullopt until both were seen.
std::optional<std::int64_t> delivery_ms(const delivery_state& delivery);


/// One observation of a message's status: a status callback, a create response or a deadline.
struct status_event {
  delivery_status status = delivery_status::created;
  timestamp at;
  std::uint32_t error_code = 0; ///< Twilio error code for failures, 0 if none.
};

/// The merged delivery state of one message: a join semilattice over status events.
///
/// `merge` is commutative, associative and idempotent, so duplicate and out-of-order callbacks
/// reach the same state, and each status keeps the earliest time it was seen. `read` also marks
/// `delivered` at the same time when no earlier `delivered` was seen.
class delivery_state {
public:
  /// Folds one event in. Returns true when anything observable changed.
  bool merge(const status_event& event);

  /// Folds another state in (the same join, applied to every status it has seen).
  bool merge(const delivery_state& other);

  /// The current (greatest) status.
  delivery_status current() const noexcept { return current_; }

  /// When `status` was first seen, if it was.
  std::optional<timestamp> first_seen(delivery_status status) const noexcept;

  /// The error code that came with the current status (0 when none came). Should one status
  /// arrive with different codes, the smallest is kept, so the result is order-independent.
  std::uint32_t error_code() const noexcept;

  /// The error code that came with `status` (0 when none came). With `first_seen`, this is
  /// the whole state: merging one event per seen status rebuilds it (how storage decodes it).
  std::uint32_t error_code_of(delivery_status status) const noexcept;

  friend bool operator==(const delivery_state&, const delivery_state&) = default;

private:
  delivery_status current_ = delivery_status::created;
  /// First-seen times in ms since the epoch; 0 means not seen (half the size of optionals:
  /// every live message holds this twice).
  std::array<timestamp::rep, delivery_status_count> first_seen_{};
  std::array<std::uint32_t, delivery_status_count> error_codes_{};
};

/// One event per status `delivery` has seen, in ascending status order, with its first-seen
/// time and error code: merging them into an empty state rebuilds `delivery`.
std::vector<status_event> seen_events(const delivery_state& delivery);

} // namespace verity
