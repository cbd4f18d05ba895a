#pragma once

#include <string>

#include <tl/expected.hpp>

#include "storage/backend.hpp"
#include "storage/database.hpp"

namespace verity::storage {

/// Reads every verification of the in-flight set with its messages, for the actors to rebuild
/// at start. Synchronous and blocking: call it once, before traffic and before the storage
/// actors exist. An entry whose records are missing, corrupt or no longer pending is logged and
/// skipped; a failure of RocksDB itself fails the scan.
[[nodiscard]] tl::expected<recovery_result, std::string> recover(database& db);

} // namespace verity::storage
