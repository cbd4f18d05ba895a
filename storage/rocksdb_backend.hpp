#pragma once

// The single-node storage backend: Verity's state in an embedded RocksDB.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include <tl/expected.hpp>

#include "storage/backend.hpp"
#include "storage/database.hpp"
#include "storage/group_commit.hpp"
#include "storage/idempotency_retention.hpp"
#include "storage/retention.hpp"

namespace verity::storage {

/// How the RocksDB backend opens its database, writes and forgets. Built from the
/// configuration (VERITY_STORAGE_MEMORY, VERITY_SYNC, VERITY_RETENTION).
struct rocksdb_options {
  open_mode mode = open_mode::read_write;
  std::uint64_t memory_budget = default_memory_budget; ///< See `database`.
  /// fsync every commit and retention step (WriteOptions::sync). Off only where losing the
  /// last acknowledged writes on power loss is acceptable (benchmarks, tests).
  bool sync = true;
  retention_policy retention;
};

/// `backend` on RocksDB: the column families of `database`, a write batch per group
/// (`group_commit`), point reads and scans from snapshots, the in-flight scan of `recover`,
/// and retention through the `created` index and over the idempotency answers.
class rocksdb_backend final : public backend {
public:
  /// Opens or creates the database under `directory` (see `database::open`). Returns a
  /// sentence naming the directory and RocksDB's reason when it cannot.
  [[nodiscard]] static tl::expected<std::unique_ptr<rocksdb_backend>, std::string>
  open(const std::filesystem::path& directory, const rocksdb_options& options = {});

  [[nodiscard]] tl::expected<void, std::string> add(const write_batch& batch) override;
  [[nodiscard]] tl::expected<void, std::string> commit() override;
  [[nodiscard]] tl::expected<retention_step, std::string>
  forget_verifications(timestamp now) override;
  [[nodiscard]] tl::expected<retention_step, std::string> forget_answers(timestamp now) override;
  [[nodiscard]] read_result<verification_view> read_view(const verification_id& id) override;
  [[nodiscard]] read_result<message_record> read_message(const message_id& id) override;
  [[nodiscard]] read_result<message_id> read_sid(std::string_view sid) override;
  [[nodiscard]] read_result<phone_record> read_phone(std::string_view phone) override;
  [[nodiscard]] read_result<idempotency_record>
  read_idempotency(std::string_view scoped_key) override;
  [[nodiscard]] tl::expected<stats_report, std::string>
  read_platform_stats(const stats_query& query) override;
  [[nodiscard]] tl::expected<phone_stats_report, std::string>
  read_phone_stats(const phone_stats_query& query) override;
  [[nodiscard]] tl::expected<recovery_result, std::string> recover() override;
  [[nodiscard]] tl::expected<std::vector<past_send>, std::string>
  sends_since(timestamp since, std::chrono::milliseconds lifetime) override;

  /// What RocksDB holds in memory now. Cheap and thread-safe (atomic reads): for metrics.
  [[nodiscard]] memory_use memory() const;

  /// Not for direct use: `open` is the way in (the tag keeps the constructor to this class).
  struct open_tag {
    explicit open_tag() = default;
  };
  rocksdb_backend(open_tag, std::unique_ptr<database> db, const rocksdb_options& options);

private:
  std::unique_ptr<database> db_;
  group_commit group_;
  retention verifications_;
  idempotency_retention answers_;
};

} // namespace verity::storage
