#pragma once

// What `/readyz` checks: storage takes a real write, the way to Twilio is clear, recovery is
// done and the process is not shutting down; cheap enough to be probed every second.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace verity::net {

/// One check's outcome: its name, "ok" (or "done") when it passes, else why it fails.
struct readiness_item {
  std::string name;  ///< "storage", "egress" or "recovery".
  std::string state; ///< What /readyz shows for it.
  bool passed = false;
};

/// What `/readyz` answers.
struct readiness_report {
  std::string twilio;                 ///< VERITY_TWILIO: "live" or "simulator".
  std::vector<readiness_item> checks; ///< Storage, egress, recovery.
  bool stopping = false;              ///< The process is shutting down.

  /// True when every check passed and the process is not shutting down.
  bool ready() const;

  /// Why not ready: "<check>: <state>" per failed check, and "shutting down".
  std::vector<std::string> reasons() const;
};

/// Why a check fails, or nullopt when it passes.
using check_outcome = std::optional<std::string>;

/// Runs a check that takes time (a write) and calls `done` once, on any thread.
using async_check = std::function<void(std::function<void(check_outcome)>)>;

/// Runs an expensive check at most once per `max_age`: callers in between get the last outcome;
/// callers while it runs wait for it with the first (one run, however many probes). Never
/// blocks: the caller's `done` is called by whichever thread finishes the run. Thread-safe.
class cached_check : public std::enable_shared_from_this<cached_check> {
public:
  using clock = std::chrono::steady_clock;

  cached_check(async_check run, std::chrono::milliseconds max_age);

  /// Calls `done` with an outcome at most `max_age` old, running the check if there is none.
  void read(std::function<void(check_outcome)> done);

private:
  /// Keeps `outcome` and hands it to every waiter.
  void finish(check_outcome outcome);

  async_check run_;
  std::chrono::milliseconds max_age_;
  std::mutex mutex_;
  std::optional<check_outcome> last_; ///< Guarded.
  clock::time_point last_at_{};       ///< Guarded.
  bool running_ = false;              ///< Guarded.
  std::vector<std::function<void(check_outcome)>> waiters_; ///< Guarded.
};

/// Where the readiness checks read their state. Every function is cheap and thread-safe.
struct readiness_sources {
  std::string twilio;                           ///< "live" or "simulator".
  std::function<bool()> stopping;        ///< The process is shutting down.
  std::function<bool()> recovered;       ///< Recovery handed back every verification found.
  std::function<check_outcome()> egress; ///< The way to Twilio (egress_health).
  async_check storage;                   ///< A real write through the storage writer.
  std::chrono::milliseconds storage_max_age{1'000}; ///< How long a storage outcome is reused.
};

/// Assembles the readiness report from its sources. Thread-safe.
class readiness {
public:
  explicit readiness(readiness_sources sources);

  /// Calls `done` once with the report (at once, or when a storage write it started is done).
  void report(std::function<void(readiness_report)> done);

private:
  readiness_sources sources_;
  std::shared_ptr<cached_check> storage_;
};

} // namespace verity::net
