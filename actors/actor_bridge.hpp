#pragma once

// CAF headers: include this only where requests are made (actor_gateway.cpp, tests), never from
// route files.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/expected.hpp>
#include <caf/sec.hpp>

#include "actors/actors.hpp"

namespace verity {

/// The end of a bridged request: the actor's answer, or the caf::error that stands for it
/// (`sec::request_timeout` when the timeout passed, `ec::overloaded` when the bridge refused).
template <class T>
using bridge_completion = std::function<void(caf::expected<T>)>;

/// Carries requests from Asio threads (which must never block) to actors: each request is made
/// by a short-lived event-based actor that calls the completion once with the answer or the
/// error, on a CAF worker thread. Counts requests in flight and refuses new ones above a cap
/// instead of queueing without bound. Thread-safe.
class actor_bridge {
public:
  /// A bridge that keeps at most `max_in_flight` requests open at once.
  actor_bridge(caf::actor_system& system, std::size_t max_in_flight);

  /// Asks `target` for `message...` and calls `done` exactly once: with the answer, with
  /// `sec::request_timeout` after `timeout`, or at once with `ec::overloaded` above the cap.
  template <class T, class Handle, class... Ts>
  void request(const Handle& target, std::chrono::milliseconds timeout,
               bridge_completion<T> done, Ts... message) {
    if (!target)
      return done(caf::make_error(caf::sec::invalid_argument));
    auto admitted = try_acquire();
    if (!admitted)
      return done(caf::make_error(ec::overloaded));
    auto call = std::make_shared<pending_call<T>>(std::move(done), std::move(*admitted));
    // The call is a spawn argument, not a capture: for a function without arguments CAF
    // 0.17.6 dereferences a null argument tuple (undefined behaviour UBSan reports).
    system_.spawn(
      [target, timeout, message...](caf::event_based_actor* self,
                                    std::shared_ptr<pending_call<T>> pending) {
        self->request(target, timeout, message...)
          .then([pending](T& value) { pending->finish(std::move(value)); },
                [pending](caf::error& error) { pending->finish(std::move(error)); });
      },
      std::move(call));
  }

  /// Requests currently waiting for an answer.
  std::size_t in_flight() const noexcept;

private:
  /// One admitted request: holds its place under the cap until destroyed.
  class slot {
  public:
    explicit slot(std::shared_ptr<std::atomic<std::size_t>> counter);
    slot(slot&& other) noexcept = default;
    slot& operator=(slot&&) = delete;
    slot(const slot&) = delete;
    slot& operator=(const slot&) = delete;
    ~slot();

  private:
    std::shared_ptr<std::atomic<std::size_t>> counter_;
  };

  /// A request's completion, called once: by the answer, or by the destructor should the
  /// requesting actor die without one (the actor system shutting down).
  template <class T>
  class pending_call {
  public:
    pending_call(bridge_completion<T> done, slot admitted)
      : done_(std::move(done)), admitted_(std::move(admitted)) {}
    pending_call(const pending_call&) = delete;
    pending_call& operator=(const pending_call&) = delete;

    ~pending_call() {
      if (done_)
        done_(caf::make_error(caf::sec::request_receiver_down));
    }

    /// Calls the completion with `result`, once.
    void finish(caf::expected<T> result) {
      auto done = std::exchange(done_, nullptr);
      if (done)
        done(std::move(result));
    }

  private:
    bridge_completion<T> done_;
    slot admitted_;
  };

  /// A slot under the cap, or nothing when the bridge is full.
  std::optional<slot> try_acquire();

  caf::actor_system& system_;
  std::size_t max_in_flight_;
  std::shared_ptr<std::atomic<std::size_t>> in_flight_;
};

} // namespace verity
