#include "app/graceful_stop.hpp"

#include <csignal>
#include <system_error>

#include <spdlog/spdlog.h>

#include "app/listeners.hpp"
#include "engine/units.hpp"

namespace verity {

namespace {

/// How often the drain looks at the open connections.
constexpr std::chrono::milliseconds drain_poll{20};

} // namespace

graceful_stop::graceful_stop(boost::asio::io_context& io, listeners& server,
                             std::atomic<bool>& stopping, stop_timing timing,
                             std::function<void()> on_stopping)
  : io_(io), server_(server), stopping_(stopping), timing_(timing),
    on_stopping_(std::move(on_stopping)), strand_(boost::asio::make_strand(io)),
    signals_(strand_, SIGINT, SIGTERM), timer_(strand_) {
  wait_for_signal();
}

void graceful_stop::wait_for_signal() {
  signals_.async_wait([this](const std::error_code& ec, int signal) {
    if (ec)
      return;
    on_signal(signal);
    wait_for_signal();
  });
}

void graceful_stop::on_signal(int signal) {
  if (stopping_.exchange(true)) {
    spdlog::warn("received signal {} again: stopping at once, {} open connection(s) cut", signal,
                 server_.active_connections());
    timer_.cancel();
    io_.stop();
    return;
  }
  spdlog::info("received signal {}: stopping; /readyz answers 503, requests are served for {} "
               "(VERITY_PRESTOP), then connections drain for up to {} (VERITY_DRAIN); a second "
               "signal stops at once",
               signal, format_duration(timing_.prestop), format_duration(timing_.drain));
  on_stopping_();
  timer_.expires_after(timing_.prestop);
  timer_.async_wait([this](const std::error_code& ec) {
    if (!ec)
      close_listeners();
  });
}

void graceful_stop::close_listeners() {
  server_.stop();
  spdlog::info("closed the listeners: draining {} open connection(s)",
               server_.active_connections());
  deadline_ = clock::now() + timing_.drain;
  drain();
}

void graceful_stop::drain() {
  auto open = server_.active_connections();
  if (open == 0 || clock::now() >= deadline_) {
    if (open != 0)
      spdlog::warn("drain time over (VERITY_DRAIN): stopping, {} open connection(s) cut", open);
    io_.stop();
    return;
  }
  timer_.expires_after(drain_poll);
  timer_.async_wait([this](const std::error_code& ec) {
    if (!ec)
      drain();
  });
}

} // namespace verity
