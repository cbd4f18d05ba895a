#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace verity {
class metrics;
} // namespace verity

namespace verity::storage {

/// Counters the storage actors keep while they run, readable from any thread (tests assert on
/// them; metrics can export them).
struct storage_stats {
  std::atomic<std::uint64_t> requests{0};        ///< Persist requests answered (ok or error).
  std::atomic<std::uint64_t> batches{0};         ///< Group commits written successfully.
  std::atomic<std::uint64_t> failed_batches{0};  ///< Group commits RocksDB refused.
  std::atomic<std::uint64_t> retention_removed{0}; ///< Verifications removed by retention.
  std::atomic<std::uint64_t> answers_removed{0}; ///< Idempotency answers removed by retention.
};

/// How storage writes and forgets. Built from the configuration (VERITY_SYNC, VERITY_RETENTION).
struct storage_settings {
  /// fsync every group commit (WriteOptions::sync). Off only where losing the last
  /// acknowledged writes on power loss is acceptable (benchmarks, tests).
  bool sync = true;

  /// Records of verifications created longer ago than this are deleted.
  std::chrono::milliseconds retention = std::chrono::hours{24 * 90};

  /// Answers to idempotent requests older than this are deleted (readers check it too).
  std::chrono::milliseconds idempotency_lifetime = std::chrono::hours{24};

  /// Time between the starts of two retention passes.
  std::chrono::milliseconds retention_interval = std::chrono::minutes{10};

  /// Keys deleted per retention batch, so one step never holds the writer for long.
  std::size_t retention_batch = 1000;

  /// Most persist requests joined into one group commit.
  std::size_t max_group = 4096;

  /// Where the counters go; share the pointer to read them.
  std::shared_ptr<storage_stats> stats = std::make_shared<storage_stats>();

  /// Times each group commit and records its size; null: nowhere. Must outlive the actors.
  metrics* recorder = nullptr;
};

} // namespace verity::storage
