#pragma once

#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "bench/load_pacing.hpp"
#include "bench/load_report.hpp"
#include "bench/load_scenario.hpp"

namespace verity::bench {

/// What the connections of one load thread share (all used on that thread only).
struct connection_context {
  boost::asio::ip::tcp::endpoint server;
  std::string host; ///< The Host header.
  send_schedule* schedule = nullptr;
  load_recorder* recorder = nullptr;
  scenario* source = nullptr;
};

/// Starts one keep-alive HTTP/1.1 client connection that sends the schedule's requests one
/// after the other (waiting for each slot's intended time), records each answer, reconnects
/// after a failure or a `Connection: close`, and closes once the schedule has no slot left.
/// It keeps itself alive until then.
void start_connection(boost::asio::io_context& io, const connection_context& context);

} // namespace verity::bench
