#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace verity::bench {

/// One HTTP request of a run.
struct load_request {
  std::string method;
  std::string target; ///< Path and query.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

/// What a run sends. `request` is called from every load thread at once and must only read;
/// `answered` is called on the thread that sent the request (runs that use it have one thread).
class scenario {
public:
  virtual ~scenario() = default;

  /// The request with sequence number `sequence` (unique within a run).
  virtual load_request request(std::uint64_t sequence) const = 0;

  /// Sees the answer to request `sequence`. Does nothing unless a scenario needs answers.
  virtual void answered(std::uint64_t /*sequence*/, unsigned /*status*/,
                        const std::string& /*body*/) {}
};

/// A verification created during a setup phase, for reads and callbacks to refer to.
struct created_verification {
  std::string id;         ///< "VE...".
  std::string message_id; ///< Its first attempt's message, "ME...".
  std::string phone;      ///< E.164.
  std::string twilio_sid; ///< "SM...", once Twilio (the simulator) created the message.
};

} // namespace verity::bench
