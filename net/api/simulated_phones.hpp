#pragma once

// The simulated phones as the demo page reads them: an interface, so that the API never
// depends on the simulator behind it (app/ wires the built-in simulator's inbox in).

#include <optional>
#include <string>

namespace verity::net {

/// A message as a simulated phone shows it.
struct simulated_message {
  bool whatsapp = false; ///< Received on WhatsApp; else by SMS.
  std::string text;      ///< What the phone shows.
};

/// The phones of a Twilio simulator: what each message it delivered said, which the demo page
/// shows in place of a real phone. Implementations are thread-safe (HTTP and CAF threads read
/// while the simulator writes).
class simulated_phones {
public:
  virtual ~simulated_phones() = default;

  /// The message of Twilio SID `sid`, when it was delivered and is still kept.
  virtual std::optional<simulated_message> find(const std::string& sid) const = 0;
};

} // namespace verity::net
