#pragma once

// Stops the node in steps on SIGTERM or SIGINT: a pre-stop delay, a drain, then the stop.

#include <atomic>
#include <chrono>
#include <functional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

namespace verity {

class listeners;

/// How long each step of a stop may take.
struct stop_timing {
  std::chrono::milliseconds prestop{0}; ///< VERITY_PRESTOP: not ready, still serving.
  std::chrono::milliseconds drain{0};   ///< VERITY_DRAIN: open connections finish.
};

/// Waits for SIGTERM or SIGINT on `io`, then: sets `stopping` (so `/readyz` answers 503) and
/// calls `on_stopping`; after the pre-stop delay, during which every request is still served,
/// closes the listeners; once no connection is open, or the drain time has passed, stops `io`.
/// A second signal during the delay or the drain stops `io` at once. Each step is logged.
class graceful_stop {
public:
  /// Arms the signal wait. `server` and `stopping` must outlive this; `on_stopping` runs on an
  /// I/O thread.
  graceful_stop(boost::asio::io_context& io, listeners& server, std::atomic<bool>& stopping,
                stop_timing timing, std::function<void()> on_stopping);

  graceful_stop(const graceful_stop&) = delete;
  graceful_stop& operator=(const graceful_stop&) = delete;

private:
  using clock = std::chrono::steady_clock;

  /// Waits for the next signal.
  void wait_for_signal();

  /// The first signal starts the stop; a later one ends it at once.
  void on_signal(int signal);

  /// The pre-stop delay is over: closes the listeners and starts draining.
  void close_listeners();

  /// Stops `io` once no connection is open or the drain deadline passed; else checks again.
  void drain();

  boost::asio::io_context& io_;
  listeners& server_;
  std::atomic<bool>& stopping_;
  stop_timing timing_;
  std::function<void()> on_stopping_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer timer_;
  clock::time_point deadline_{}; ///< End of the drain, once it started.
};

} // namespace verity
