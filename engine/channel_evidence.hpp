#pragma once

// What Verity keeps about a phone's WhatsApp outcomes, and the reasons a first channel can have:
// the plain data that phone and verification records store for channel choice.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/clock.hpp"

namespace verity {

/// What one WhatsApp message to a phone ended in, as channel choice weighs it. Never reorder:
/// the values are stored.
enum class whatsapp_outcome : std::uint8_t {
  delivered,       ///< Delivered or read: the phone is on WhatsApp.
  failed,          ///< Failed or timed out for another reason.
  not_on_whatsapp, ///< Twilio said the number is not a WhatsApp user (63003 and its kin).
};

/// One WhatsApp outcome of a phone and when it was seen.
struct whatsapp_evidence {
  timestamp at;
  whatsapp_outcome outcome = whatsapp_outcome::delivered;

  bool operator==(const whatsapp_evidence&) const = default;
};

/// How many outcomes a phone record keeps (the newest; older ones are dropped).
inline constexpr std::size_t whatsapp_evidence_kept = 4;

/// Appends `evidence` to `history` (oldest first), keeping the newest `whatsapp_evidence_kept`.
void remember(std::vector<whatsapp_evidence>& history, whatsapp_evidence evidence);

/// Why a verification's first message went over its channel. Never reorder: the values are
/// stored.
enum class channel_reason : std::uint8_t {
  requested,                    ///< The client named the channel.
  auto_default_whatsapp,        ///< Auto, and nothing spoke against WhatsApp.
  auto_phone_not_on_whatsapp,   ///< Auto: WhatsApp said lately this phone is not a user.
  auto_phone_whatsapp_failures, ///< Auto: WhatsApp failed this phone repeatedly, lately.
  auto_country_whatsapp_rate,   ///< Auto: WhatsApp delivers too rarely in the phone's country.
};

/// Number of `channel_reason` values.
inline constexpr std::size_t channel_reason_count = 5;

/// The API name, e.g. "auto_phone_not_on_whatsapp".
std::string_view to_string(channel_reason reason);

} // namespace verity
