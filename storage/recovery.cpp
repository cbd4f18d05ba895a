#include "storage/recovery.hpp"

#include <memory>

#include <rocksdb/db.h>
#include <spdlog/spdlog.h>

#include "storage/keys.hpp"
#include "storage/reads.hpp"

namespace verity::storage {

namespace {

/// The view of one in-flight entry, nullopt (logged) when it cannot be recovered.
std::optional<verification_view> recover_one(database& db, const rocksdb::Slice& key) {
  auto id = parse_verification_key(key.ToStringView());
  if (!id) {
    spdlog::error("recovery skipped an in-flight key of {} bytes: not a verification id",
                  key.size());
    return std::nullopt;
  }
  auto view = read_view(db, *id);
  if (!view) {
    spdlog::error("recovery skipped verification {}: {}", id->to_string(), view.error());
    return std::nullopt;
  }
  if (!*view) {
    spdlog::error("recovery skipped verification {}: in flight but not stored",
                  id->to_string());
    return std::nullopt;
  }
  if ((*view)->verification.status != verification_status::pending) {
    spdlog::error("recovery skipped verification {}: in flight but {}", id->to_string(),
                  to_string((*view)->verification.status));
    return std::nullopt;
  }
  return std::move(**view);
}

} // namespace

tl::expected<recovery_result, std::string> recover(database& db) {
  auto started = std::chrono::steady_clock::now();
  recovery_result result;
  std::unique_ptr<rocksdb::Iterator> it{
    db.db().NewIterator({}, &db.handle(column_family::in_flight))};
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++result.scanned;
    if (auto view = recover_one(db, it->key()))
      result.in_flight.push_back(std::move(*view));
    else
      ++result.skipped;
  }
  if (!it->status().ok())
    return tl::unexpected("recovery could not scan the in-flight set: "
                          + it->status().ToString());
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::steady_clock::now() - started);
  return result;
}

} // namespace verity::storage
