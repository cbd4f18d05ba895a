#pragma once

// Tells the service manager (systemd with Type=notify) when the node is ready, reloading or
// stopping, and that its I/O loop is alive (the watchdog).

#include <chrono>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace verity {

/// Sends sd_notify messages to the socket named by NOTIFY_SOCKET. Without NOTIFY_SOCKET (not
/// started by systemd) every call does nothing. Thread-safe but for `start_watchdog`, which is
/// called once.
class service_notifier {
public:
  /// Reads NOTIFY_SOCKET and WATCHDOG_USEC; the watchdog timer runs on `io`.
  explicit service_notifier(boost::asio::io_context& io);

  service_notifier(const service_notifier&) = delete;
  service_notifier& operator=(const service_notifier&) = delete;

  /// READY=1 with `status` as STATUS=: the start (recovery included) or a reload is done.
  void ready(const std::string& status);

  /// RELOADING=1 with MONOTONIC_USEC= (what systemd 253's Type=notify-reload expects).
  void reloading();

  /// STOPPING=1 with `status` as STATUS=: the stop began.
  void stopping(const std::string& status);

  /// With WATCHDOG_USEC set, sends WATCHDOG=1 at half that interval from a timer on the I/O
  /// loop, so that pings stop when the loop stops turning.
  void start_watchdog();

private:
  /// Sends `message` (newline-separated assignments) when notifications are on.
  void send(const std::string& message) const;

  /// Sends one watchdog ping and arms the next.
  void ping();

  bool enabled_;
  std::chrono::microseconds watchdog_interval_{0}; ///< 0: no watchdog.
  boost::asio::steady_timer timer_;
};

} // namespace verity
