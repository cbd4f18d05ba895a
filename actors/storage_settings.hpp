#pragma once

// How the storage actors run, and the counters they keep.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace verity {

class metrics;

/// Counters the storage actors keep while they run, readable from any thread (tests assert on
/// them; metrics can export them).
struct storage_stats {
  std::atomic<std::uint64_t> requests{0};        ///< Persist requests answered (ok or error).
  std::atomic<std::uint64_t> batches{0};         ///< Group commits written successfully.
  std::atomic<std::uint64_t> failed_batches{0};  ///< Group commits the backend refused.
  std::atomic<std::uint64_t> retention_removed{0}; ///< Verifications removed by retention.
  std::atomic<std::uint64_t> answers_removed{0}; ///< Idempotency answers removed by retention.
};

/// How the storage actors group writes and schedule retention (what is kept, and how writes
/// reach the disk, is the backend's: see its options).
struct storage_settings {
  /// Time between the starts of two retention passes.
  std::chrono::milliseconds retention_interval = std::chrono::minutes{10};

  /// Most persist requests joined into one group commit.
  std::size_t max_group = 4096;

  /// Where the counters go; share the pointer to read them.
  std::shared_ptr<storage_stats> stats = std::make_shared<storage_stats>();

  /// Times each group commit and records its size; null: nowhere. Must outlive the actors.
  metrics* recorder = nullptr;
};

} // namespace verity
