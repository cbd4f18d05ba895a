#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include <tl/expected.hpp>

#include "engine/delivery_status.hpp"
#include "storage/database.hpp"
#include "storage/retention.hpp"

namespace verity::storage {

/// Forgets stored idempotency answers older than their lifetime (24 hours in production). The
/// `idempotency` column family is keyed by the client's key, not by time, so a pass walks all
/// of it in key order, examining about `batch_keys` answers per step (each step one
/// WriteBatch), so that the group-commit writer can run a step between two commits. Readers
/// check the age too (an answer may outlive its lifetime until the next pass).
class idempotency_retention {
public:
  /// Deletes answers older than `lifetime`, examining `batch_keys` per step, fsyncing each step
  /// when `sync`.
  idempotency_retention(std::chrono::milliseconds lifetime, std::size_t batch_keys, bool sync);

  /// Runs one step of the pass for the time `now` (`removed` counts answers); a step after the
  /// pass is `done` starts a new pass. Returns RocksDB's reason when reading or writing fails
  /// (nothing of the step is deleted then). An answer that does not decode is deleted too.
  [[nodiscard]] tl::expected<retention_step, std::string> step(database& db, timestamp now);

private:
  std::chrono::milliseconds lifetime_;
  std::size_t batch_keys_;
  bool sync_;
  std::string resume_after_; ///< The key the pass examined last ("" at a start).
};

} // namespace verity::storage
