#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace verity::test {

/// A create request the recording Twilio received.
struct recorded_create {
  std::string message_id; ///< Verity's message id, from the StatusCallback URL.
  std::string code;       ///< The first run of digits in the body: the code it carries.
  std::string sid;        ///< The message SID the fake gave it.
  int epoch = 0;          ///< The test's epoch when it arrived.
};

/// A status callback the engine answered with 2xx.
struct acknowledged_callback {
  std::string message_id;
  std::string status; ///< sent, delivered or read.
  int epoch = 0;      ///< The test's epoch when it was posted.
};

/// A fake Twilio for crash tests, outliving every engine it serves: it records each create
/// request the moment it arrives, answers 201 after a random delay of up to `max_answer_delay`
/// (so a kill finds creates in flight), then posts status callbacks sent, delivered and read
/// to the StatusCallback URL, signed with `auth_token`. A callback the engine does not answer
/// with 2xx (it may be down) is posted again every 100 ms for up to 30 s, as Twilio would keep
/// trying. Thread-safe; the destructor stops every thread.
class recording_twilio {
public:
  recording_twilio(std::string account_sid, std::string auth_token,
                   std::chrono::milliseconds max_answer_delay);
  ~recording_twilio();

  recording_twilio(const recording_twilio&) = delete;
  recording_twilio& operator=(const recording_twilio&) = delete;

  /// Where the engine sends its create requests (TWILIO_API_BASE).
  std::string base_url() const;

  /// Tags what happens from now on with `epoch` (the test counts engine restarts with it).
  void set_epoch(int epoch);

  /// Every create request received so far, in arrival order.
  std::vector<recorded_create> creates() const;

  /// Every callback acknowledged so far.
  std::vector<acknowledged_callback> acknowledged() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace verity::test
