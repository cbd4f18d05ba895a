#include "storage/recovery.hpp"

#include <algorithm>
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

/// Appends the sends of `view` made at or after `since` to `sends`.
void add_sends(const verification_view& view, timestamp since, std::vector<past_send>& sends) {
  for (const auto& message : view.attempts) {
    auto at = message.delivery.first_seen(delivery_status::created);
    if (at && *at >= since && message.not_sent != not_sent_reason::send_limit)
      sends.push_back({message.to, *at});
  }
}

} // namespace

tl::expected<std::vector<past_send>, std::string>
sends_since(database& db, timestamp since, std::chrono::milliseconds lifetime) {
  std::vector<past_send> sends;
  std::unique_ptr<rocksdb::Iterator> it{
    db.db().NewIterator({}, &db.handle(column_family::created))};
  for (it->Seek(created_key(since - lifetime, verification_id{})); it->Valid(); it->Next()) {
    auto entry = parse_created_key(it->key().ToStringView());
    auto view = entry ? read_view(db, entry->id) : read_result<verification_view>{};
    if (view && *view)
      add_sends(**view, since, sends);
  }
  if (!it->status().ok())
    return tl::unexpected("the scan of recent sends failed: " + it->status().ToString());
  std::sort(sends.begin(), sends.end(),
            [](const past_send& a, const past_send& b) { return a.at < b.at; });
  return sends;
}

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
