#pragma once

// The storage seam: every durable write and read Verity makes, whatever database holds them.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "engine/records.hpp"
#include "engine/send_guard.hpp"
#include "engine/stats.hpp"
#include "engine/verification.hpp"

namespace verity::storage {

/// What a point read finds: the record, `std::nullopt` when there is none, or why it failed
/// (the database's reason, or a stored record that does not decode).
template <class T>
using read_result = tl::expected<std::optional<T>, std::string>;

/// What the recovery scan found in the in-flight set.
struct recovery_result {
  std::vector<verification_view> in_flight; ///< Pending verifications with their messages.
  std::size_t scanned = 0;                  ///< Entries of the in-flight set read.
  std::size_t skipped = 0;                  ///< Entries that could not be recovered (logged).
  std::chrono::milliseconds elapsed{0};     ///< Time the scan took.
};

/// How long records are kept, and how much one retention step deletes.
struct retention_policy {
  /// Records of verifications created longer ago than this are deleted.
  std::chrono::milliseconds verifications = std::chrono::hours{24 * 90};

  /// Answers to idempotent requests older than this are deleted (readers check it too).
  std::chrono::milliseconds answers = std::chrono::hours{24};

  /// Keys deleted (or answers examined) per step, so one step never holds the writer for long.
  std::size_t batch_keys = 1000;
};

/// What one retention step did.
struct retention_step {
  std::size_t removed = 0;      ///< Verifications (with their messages) or answers deleted.
  std::size_t deleted_keys = 0; ///< Keys deleted in all.
  bool done = false;            ///< The pass reached its end; the next step starts a new one.
};

/// Verity's durable state, behind one interface: RocksDB on a single node (rocksdb_backend),
/// another database in cluster mode. A concrete backend's `open` builds it; the storage actors
/// (actors/storage_*.hpp) drive it and own its threads.
///
/// Threads: the writes (`add`, `commit`, the retention steps) come from one thread at a time,
/// the writer; the reads from another, concurrently with them, and a read never waits for a
/// commit to become durable. `recover` runs once, before either.
///
/// Message writes carry the version they replace (`message_write::previous`): a backend counts
/// the delivery statistics from the batch and never reads a message back to do so.
class backend {
public:
  virtual ~backend() = default;

  backend() = default;
  backend(const backend&) = delete;
  backend& operator=(const backend&) = delete;

  /// Adds `batch` (checked with `validate` beforehand) to the open group of writes. A batch
  /// the backend refuses joins nothing and gets the reason back; the group stays as it was.
  [[nodiscard]] virtual tl::expected<void, std::string> add(const write_batch& batch) = 0;

  /// Writes the open group, however many batches it holds, with one durable commit, then
  /// opens a new group. On failure nothing of the group is durable and the reason comes back.
  [[nodiscard]] virtual tl::expected<void, std::string> commit() = 0;

  /// Runs one step of the pass that forgets verifications past the retention period (with
  /// their messages; never an in-flight one), for the time `now`. Each step is small, so that
  /// the writer can run one between two commits. On failure nothing of the step is deleted.
  [[nodiscard]] virtual tl::expected<retention_step, std::string>
  forget_verifications(timestamp now) = 0;

  /// Runs one step of the pass that forgets idempotency answers past their lifetime, for the
  /// time `now`, like `forget_verifications`.
  [[nodiscard]] virtual tl::expected<retention_step, std::string> forget_answers(timestamp now) = 0;

  /// Reads a verification and every message it lists, consistently (as of one moment).
  [[nodiscard]] virtual read_result<verification_view> read_view(const verification_id& id) = 0;

  /// Reads one message.
  [[nodiscard]] virtual read_result<message_record> read_message(const message_id& id) = 0;

  /// Finds the message a Twilio SID belongs to.
  [[nodiscard]] virtual read_result<message_id> read_sid(std::string_view sid) = 0;

  /// Reads the stored record of a phone (E.164).
  [[nodiscard]] virtual read_result<phone_record> read_phone(std::string_view phone) = 0;

  /// Reads the stored answer of a scoped idempotency key, whatever its age.
  [[nodiscard]] virtual read_result<idempotency_record>
  read_idempotency(std::string_view scoped_key) = 0;

  /// Sums the platform's delivery counters over the window of `query`.
  [[nodiscard]] virtual tl::expected<stats_report, std::string>
  read_platform_stats(const stats_query& query) = 0;

  /// Reports one phone's messages created in the window of `query`.
  [[nodiscard]] virtual tl::expected<phone_stats_report, std::string>
  read_phone_stats(const phone_stats_query& query) = 0;

  /// Reads every in-flight verification with its messages, for the actors to rebuild at start.
  /// An entry that cannot be recovered is logged and skipped; a failure of the database
  /// itself fails the scan.
  [[nodiscard]] virtual tl::expected<recovery_result, std::string> recover() = 0;

  /// Every message created at or after `since` that passed the send limits, oldest first, for
  /// the send guard to count again at start. Messages are created within their verification's
  /// lifetime, so only verifications created after `since - lifetime` are read (a range of the
  /// creation-time index). Unreadable records are skipped; a database failure fails the scan.
  [[nodiscard]] virtual tl::expected<std::vector<past_send>, std::string>
  sends_since(timestamp since, std::chrono::milliseconds lifetime) = 0;
};

} // namespace verity::storage
