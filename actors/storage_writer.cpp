#include "actors/storage_writer.hpp"

#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/after.hpp>
#include <caf/blocking_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/response_promise.hpp>
#include <caf/system_messages.hpp>
#include <spdlog/spdlog.h>

#include "engine/clock.hpp"
#include "engine/metrics.hpp"

namespace verity {

namespace {

using steady = std::chrono::steady_clock;

/// What the writer thread holds: the open group with its waiters, and the retention schedule.
class writer_state {
public:
  writer_state(storage::backend& store, const storage_settings& settings)
    : store_(store),
      settings_(settings),
      retention_due_(steady::now() + settings.retention_interval) {
  }

  /// Adds a request to the open group, or answers it at once if it cannot join.
  void take(caf::response_promise promise, const write_batch& batch) {
    if (auto valid = validate(batch); !valid) {
      spdlog::error("storage refused a write batch: {}", valid.error());
      promise.deliver(caf::make_error(ec::invalid_request));
      return;
    }
    if (auto added = store_.add(batch); !added) {
      spdlog::error("storage could not add a write batch to the group: {}", added.error());
      promise.deliver(caf::make_error(ec::storage_failed));
      return;
    }
    waiters_.push_back(std::move(promise));
  }

  /// True when the open group may take no more requests.
  [[nodiscard]] bool full() const noexcept { return waiters_.size() >= settings_.max_group; }

  /// Writes the open group, counts and times it, and answers every request in it.
  void commit() {
    if (waiters_.empty())
      return;
    auto started = steady::now();
    auto written = store_.commit();
    if (settings_.recorder != nullptr)
      settings_.recorder->storage_commit(waiters_.size(), steady::now() - started);
    settings_.stats->requests += waiters_.size();
    if (written) {
      ++settings_.stats->batches;
    } else {
      ++settings_.stats->failed_batches;
      spdlog::error("storage failed to commit {} persist requests: {}", waiters_.size(),
                    written.error());
    }
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
      auto step = store_.forget_verifications(wall_clock_now());
      if (!count(step, removed_in_pass_, settings_.stats->retention_removed) || !step->done)
        return;
      verifications_done_ = true;
    }
    auto step = store_.forget_answers(wall_clock_now());
    if (count(step, answers_removed_, settings_.stats->answers_removed) && step->done)
      end_pass();
  }

private:
  /// Adds what a step removed to `removed` (this pass) and `total` (the stats); a failed step
  /// is logged and ends the pass. Returns whether the step succeeded.
  bool count(const tl::expected<storage::retention_step, std::string>& step, std::size_t& removed,
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

  storage::backend& store_;
  storage_settings settings_;
  std::vector<caf::response_promise> waiters_;
  steady::time_point retention_due_;
  bool in_pass_ = false;
  bool verifications_done_ = false; ///< The pass has moved on to idempotency answers.
  std::size_t removed_in_pass_ = 0;
  std::size_t answers_removed_ = 0;
};

/// The writer's loop: wait for a request, take everything queued behind it, commit, repeat.
/// `store` (never null) outlives the actor.
void run_writer(caf::blocking_actor* self, storage::backend* store,
                const storage_settings& settings) {
  writer_state state{*store, settings};
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

storage_writer_actor spawn_storage_writer(caf::actor_system& system, storage::backend& backend,
                                          const storage_settings& settings) {
  return caf::actor_cast<storage_writer_actor>(
    system.spawn<caf::detached>(run_writer, &backend, settings));
}

} // namespace verity
