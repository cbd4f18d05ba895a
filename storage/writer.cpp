#include "storage/writer.hpp"

#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/after.hpp>
#include <caf/blocking_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/response_promise.hpp>
#include <caf/system_messages.hpp>
#include <spdlog/spdlog.h>

#include "engine/clock.hpp"
#include "storage/batch.hpp"
#include "storage/group_commit.hpp"
#include "storage/idempotency_retention.hpp"
#include "storage/retention.hpp"

namespace verity::storage {

namespace {

using steady = std::chrono::steady_clock;

/// What the writer thread holds: the open group with its waiters, and the retention schedule.
class writer_state {
public:
  writer_state(database& db, const storage_settings& settings)
    : db_(db),
      settings_(settings),
      group_(db, settings.sync, *settings.stats, settings.recorder),
      retention_(settings.retention, settings.retention_batch, settings.sync),
      answers_retention_(settings.idempotency_lifetime, settings.retention_batch, settings.sync),
      retention_due_(steady::now() + settings.retention_interval) {
  }

  /// Adds a request to the open group, or answers it at once if it cannot join.
  void take(caf::response_promise promise, const write_batch& batch) {
    if (auto valid = validate(batch); !valid) {
      spdlog::error("storage refused a write batch: {}", valid.error());
      promise.deliver(caf::make_error(ec::invalid_request));
      return;
    }
    if (auto added = group_.add(batch); !added) {
      spdlog::error("storage could not add a write batch to the group: {}", added.error());
      promise.deliver(caf::make_error(ec::storage_failed));
      return;
    }
    waiters_.push_back(std::move(promise));
  }

  /// True when the open group may take no more requests.
  [[nodiscard]] bool full() const noexcept { return waiters_.size() >= settings_.max_group; }

  /// Writes the open group and answers every request in it.
  void commit() {
    if (waiters_.empty())
      return;
    auto written = group_.commit();
    if (!written)
      spdlog::error("storage failed to commit {} persist requests: {}", waiters_.size(),
                    written.error());
    for (auto& waiter : waiters_) {
      if (written)
        waiter.deliver(caf::ok_atom::value);
      else
        waiter.deliver(caf::make_error(ec::storage_failed));
    }
    waiters_.clear();
  }

  /// How long the writer may wait for a request before retention work is due.
  [[nodiscard]] std::chrono::milliseconds idle_wait() const {
    if (in_pass_)
      return std::chrono::milliseconds{0};
    auto left = std::chrono::ceil<std::chrono::milliseconds>(retention_due_ - steady::now());
    return std::max(left, std::chrono::milliseconds{0});
  }

  /// Runs one retention step if a pass is due or under way: of the verifications until they
  /// are done, then of the idempotency answers (the first one in the same call as the last
  /// verification step, so that a small pass takes one call).
  void run_retention() {
    if (!in_pass_ && steady::now() < retention_due_)
      return;
    in_pass_ = true;
    if (!verifications_done_) {
      auto step = retention_.step(db_, wall_clock_now());
      if (!count(step, removed_in_pass_, settings_.stats->retention_removed) || !step->done)
        return;
      verifications_done_ = true;
    }
    auto step = answers_retention_.step(db_, wall_clock_now());
    if (count(step, answers_removed_, settings_.stats->answers_removed) && step->done)
      end_pass();
  }

private:
  /// Adds what a step removed to `removed` (this pass) and `total` (the stats); a failed step
  /// is logged and ends the pass. Returns whether the step succeeded.
  bool count(const tl::expected<retention_step, std::string>& step, std::size_t& removed,
             std::atomic<std::uint64_t>& total) {
    if (!step) {
      spdlog::error("storage retention stopped until its next pass: {}", step.error());
      end_pass();
      return false;
    }
    removed += step->removed;
    total += step->removed;
    return true;
  }

  void end_pass() {
    if (removed_in_pass_ > 0 || answers_removed_ > 0)
      spdlog::info("storage retention removed {} verifications and {} idempotency answers",
                   removed_in_pass_, answers_removed_);
    in_pass_ = false;
    verifications_done_ = false;
    removed_in_pass_ = 0;
    answers_removed_ = 0;
    retention_due_ = steady::now() + settings_.retention_interval;
  }

  database& db_;
  storage_settings settings_;
  group_commit group_;
  std::vector<caf::response_promise> waiters_;
  retention retention_;
  idempotency_retention answers_retention_;
  steady::time_point retention_due_;
  bool in_pass_ = false;
  bool verifications_done_ = false; ///< The pass has moved on to idempotency answers.
  std::size_t removed_in_pass_ = 0;
  std::size_t answers_removed_ = 0;
};

/// The writer's loop: wait for a request, take everything queued behind it, commit, repeat.
/// `db` (never null) outlives the actor.
void run_writer(caf::blocking_actor* self, database* db, const storage_settings& settings) {
  writer_state state{*db, settings};
  bool running = true;
  auto on_persist = [&](atom::persist, const write_batch& batch) {
    state.take(self->make_response_promise(), batch);
  };
  auto on_exit = [&](caf::exit_msg& msg) {
    running = false;
    self->fail_state(std::move(msg.reason));
  };
  while (running) {
    self->receive(on_persist, on_exit, caf::after(state.idle_wait()) >> [] {});
    for (bool queued = true; queued && running && !state.full();)
      self->receive(on_persist, on_exit,
                    caf::after(std::chrono::milliseconds{0}) >> [&] { queued = false; });
    state.commit();
    state.run_retention();
  }
}

} // namespace

writer_actor spawn_writer(caf::actor_system& system, database& db,
                          const storage_settings& settings) {
  return caf::actor_cast<writer_actor>(
    system.spawn<caf::detached>(run_writer, &db, settings));
}

} // namespace verity::storage
