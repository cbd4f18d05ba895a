#include "app/service_notifier.hpp"

#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <system_error>

#include <systemd/sd-daemon.h>

#include <spdlog/spdlog.h>

namespace verity {

namespace {

/// CLOCK_MONOTONIC in microseconds, the clock systemd compares MONOTONIC_USEC with.
std::uint64_t monotonic_usec() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000
         + static_cast<std::uint64_t>(now.tv_nsec) / 1'000;
}

/// The watchdog interval systemd asks for, or 0 when there is none (or it is for another pid).
std::chrono::microseconds watchdog_interval() {
  std::uint64_t usec = 0;
  if (::sd_watchdog_enabled(0, &usec) <= 0)
    return std::chrono::microseconds{0};
  return std::chrono::microseconds{static_cast<std::int64_t>(usec)};
}

/// "STATUS=..." with newlines (which would start another assignment) made spaces.
std::string status_line(std::string status) {
  for (auto& c : status)
    if (c == '\n')
      c = ' ';
  return "STATUS=" + status;
}

} // namespace

service_notifier::service_notifier(boost::asio::io_context& io)
  : enabled_(std::getenv("NOTIFY_SOCKET") != nullptr && *std::getenv("NOTIFY_SOCKET") != '\0'),
    timer_(io) {
  if (enabled_)
    watchdog_interval_ = watchdog_interval();
}

void service_notifier::ready(const std::string& status) {
  send("READY=1\n" + status_line(status));
}

void service_notifier::reloading() {
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(monotonic_usec()));
}

void service_notifier::stopping(const std::string& status) {
  send("STOPPING=1\n" + status_line(status));
}

void service_notifier::start_watchdog() {
  if (watchdog_interval_.count() == 0)
    return;
  spdlog::info("systemd watchdog: pinging every {} ms", watchdog_interval_.count() / 2000);
  ping();
}

void service_notifier::send(const std::string& message) const {
  if (!enabled_)
    return;
  if (int sent = ::sd_notify(0, message.c_str()); sent < 0)
    spdlog::warn("cannot notify the service manager: {}", std::system_category().message(-sent));
}

void service_notifier::ping() {
  send("WATCHDOG=1");
  timer_.expires_after(watchdog_interval_ / 2);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec)
      ping();
  });
}

} // namespace verity
