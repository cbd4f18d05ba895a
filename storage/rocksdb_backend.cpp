#include "storage/rocksdb_backend.hpp"

#include "storage/reads.hpp"
#include "storage/recovery.hpp"
#include "storage/stats_reads.hpp"

namespace verity::storage {

tl::expected<std::unique_ptr<rocksdb_backend>, std::string>
rocksdb_backend::open(const std::filesystem::path& directory, const rocksdb_options& options) {
  auto db = database::open(directory, options.mode, options.memory_budget);
  if (!db)
    return tl::unexpected(std::move(db.error()));
  return std::make_unique<rocksdb_backend>(open_tag{}, std::move(*db), options);
}

rocksdb_backend::rocksdb_backend(open_tag, std::unique_ptr<database> db,
                                 const rocksdb_options& options)
  : db_(std::move(db)),
    group_(*db_, options.sync),
    verifications_(options.retention.verifications, options.retention.batch_keys, options.sync),
    answers_(options.retention.answers, options.retention.batch_keys, options.sync) {
}

tl::expected<void, std::string> rocksdb_backend::add(const write_batch& batch) {
  return group_.add(batch);
}

tl::expected<void, std::string> rocksdb_backend::commit() {
  return group_.commit();
}

tl::expected<retention_step, std::string> rocksdb_backend::forget_verifications(timestamp now) {
  return verifications_.step(*db_, now);
}

tl::expected<retention_step, std::string> rocksdb_backend::forget_answers(timestamp now) {
  return answers_.step(*db_, now);
}

read_result<verification_view> rocksdb_backend::read_view(const verification_id& id) {
  return storage::read_view(*db_, id);
}

read_result<message_record> rocksdb_backend::read_message(const message_id& id) {
  return storage::read_message(*db_, id);
}

read_result<message_id> rocksdb_backend::read_sid(std::string_view sid) {
  return storage::read_sid(*db_, sid);
}

read_result<phone_record> rocksdb_backend::read_phone(std::string_view phone) {
  return storage::read_phone(*db_, phone);
}

read_result<idempotency_record> rocksdb_backend::read_idempotency(std::string_view scoped_key) {
  return storage::read_idempotency(*db_, scoped_key);
}

tl::expected<stats_report, std::string>
rocksdb_backend::read_platform_stats(const stats_query& query) {
  return storage::read_platform_stats(*db_, query);
}

tl::expected<phone_stats_report, std::string>
rocksdb_backend::read_phone_stats(const phone_stats_query& query) {
  return storage::read_phone_stats(*db_, query);
}

tl::expected<recovery_result, std::string> rocksdb_backend::recover() {
  return storage::recover(*db_);
}

tl::expected<std::vector<past_send>, std::string>
rocksdb_backend::sends_since(timestamp since, std::chrono::milliseconds lifetime) {
  return storage::sends_since(*db_, since, lifetime);
}

memory_use rocksdb_backend::memory() const {
  return db_->memory();
}

} // namespace verity::storage
