#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace rocksdb {
class MergeOperator;
} // namespace rocksdb

/// The counters of the `stats` column family: 8-byte little-endian two's complement int64
/// values, combined by a RocksDB merge operator that adds them (wrapping), so the writer adds
/// deltas without reading the current value.
namespace verity::storage {

/// The stored form of a counter value or delta.
[[nodiscard]] std::string encode_counter(std::int64_t value);

/// Reads a counter written by `encode_counter`; nullopt unless it is exactly 8 bytes.
[[nodiscard]] std::optional<std::int64_t> decode_counter(std::string_view bytes);

/// The merge operator of the `stats` column family: the sum of the existing value and every
/// operand. A malformed value or operand fails the merge (RocksDB reports corruption) rather
/// than being taken for 0.
[[nodiscard]] std::shared_ptr<rocksdb::MergeOperator> make_counter_merge();

} // namespace verity::storage
