#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "storage/backend.hpp"
#include "storage/database.hpp"

namespace verity::storage {

/// Reads every verification of the in-flight set with its messages, for the actors to rebuild
/// at start. Synchronous and blocking: call it once, before traffic and before the storage
/// actors exist. An entry whose records are missing, corrupt or no longer pending is logged and
/// skipped; a failure of RocksDB itself fails the scan.
[[nodiscard]] tl::expected<recovery_result, std::string> recover(database& db);

/// Every message created at or after `since` that passed the send limits (not refused by
/// them), oldest first: read from the verifications created after `since - lifetime`, a range
/// of the creation-time index, so the cost follows the sends of one window, not the database.
/// Synchronous: call it once at start, like `recover`.
[[nodiscard]] tl::expected<std::vector<past_send>, std::string>
sends_since(database& db, timestamp since, std::chrono::milliseconds lifetime);

} // namespace verity::storage
