#pragma once

// Says on every HTTP answer whether Verity runs against real Twilio or its simulator.

#include <string>
#include <string_view>

#include "net/http/message.hpp"

namespace verity::net {

/// The header every answer carries: its value is VERITY_TWILIO's, "live" or "simulator".
inline constexpr std::string_view twilio_mode_header = "Verity-Twilio-Mode";

/// A request handler in front of another that adds `Verity-Twilio-Mode: <mode>` to every
/// answer it gives (404s and errors included), so no client mistakes a simulated delivery for
/// a real one. Thread-safe and non-blocking as the handler behind it.
class twilio_mode_stamp final : public request_handler {
public:
  /// Stamps the answers of `inner` (which must outlive this) with `mode`.
  twilio_mode_stamp(request_handler& inner, std::string_view mode);

  void handle(http_request request, responder respond) override;

private:
  request_handler& inner_;
  std::string mode_;
};

} // namespace verity::net
