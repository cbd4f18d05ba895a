#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "engine/verification.hpp"
#include "storage/database.hpp"

namespace verity::storage {

/// What the recovery scan found in the in-flight set.
struct recovery_result {
  std::vector<verification_view> in_flight; ///< Pending verifications with their messages.
  std::size_t scanned = 0;                  ///< Entries of the in-flight set read.
  std::size_t skipped = 0;                  ///< Entries that could not be recovered (logged).
  std::chrono::milliseconds elapsed{0};     ///< Time the scan took.
};

/// Reads every verification of the in-flight set with its messages, for the actors to rebuild
/// at start. Synchronous and blocking: call it once, before traffic and before the storage
/// actors exist. An entry whose records are missing, corrupt or no longer pending is logged and
/// skipped; a failure of RocksDB itself fails the scan.
[[nodiscard]] tl::expected<recovery_result, std::string> recover(database& db);

} // namespace verity::storage
