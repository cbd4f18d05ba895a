#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include <tl/expected.hpp>

#include "engine/delivery_status.hpp"
#include "storage/backend.hpp"
#include "storage/database.hpp"

namespace verity::storage {

/// Forgets verifications created longer ago than the retention period, oldest first, through
/// the `created` index: each one with its messages, their history, their SID and
/// `phone_messages` entries (the day counters of `stats` stay: they hold no personal data). An
/// in-flight verification is never touched, however old. Phone records are kept (they hold
/// opt-outs). Work is split into steps of about `batch_keys` deleted keys, each one WriteBatch,
/// so that the group-commit writer can run a step between two commits.
class retention {
public:
  /// Deletes what is older than `period`, `batch_keys` keys per step (at least one
  /// verification per step), fsyncing each step when `sync`.
  retention(std::chrono::milliseconds period, std::size_t batch_keys, bool sync);

  /// Runs one step of the pass for the time `now`; a step after the pass is `done` starts a
  /// new pass. Returns RocksDB's reason when reading or writing fails (nothing of the step is
  /// deleted then).
  [[nodiscard]] tl::expected<retention_step, std::string> step(database& db, timestamp now);

private:
  std::chrono::milliseconds period_;
  std::size_t batch_keys_;
  bool sync_;
  std::string resume_after_; ///< The `created` key the pass examined last ("" at a start).
};

} // namespace verity::storage
