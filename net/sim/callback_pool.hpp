#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "net/http/curl_multi.hpp"

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace verity::net {

/// Where a plain-http callback URL points: "http://HOST[:PORT]/TARGET".
struct callback_target {
  std::string host; ///< As written, without brackets for IPv6.
  std::string port; ///< "80" when the URL gives none.
  std::string path; ///< Path and query, at least "/".
};

/// The parts of an "http://" URL, or nothing for another scheme (https goes through libcurl)
/// or a malformed URL.
std::optional<callback_target> parse_callback_url(std::string_view url);

/// Limits of a callback pool.
struct callback_pool_limits {
  std::size_t connections_per_host = 32; ///< Keep-alive connections per host:port at most.
  std::size_t max_queued = 20'000; ///< Callbacks waiting for a connection, all hosts together.
  std::chrono::milliseconds timeout{15'000}; ///< For connecting, sending and the answer.
  std::chrono::milliseconds delayed_after{1'000}; ///< A wait this long counts as delayed.
};

/// What a callback pool has done so far.
struct callback_pool_counts {
  std::uint64_t connections_opened = 0; ///< TCP connections made (reuse keeps this low).
  std::uint64_t dropped = 0;  ///< Callbacks refused because the queue was full.
  std::uint64_t delayed = 0;  ///< Callbacks that waited `delayed_after` or more for a connection.
  std::uint64_t queued = 0;   ///< Callbacks waiting for a connection now.
};

/// The simulator's HTTP/1.1 client for status callbacks: a small pool of keep-alive
/// connections per host:port, each sending one request at a time from the host's queue. The
/// queue is bounded: a callback that finds it full is dropped (its completion says so) and
/// counted; `saturated` says it is half full, so that the simulator pushes back on new messages
/// while the other half takes the later callbacks of messages already accepted. A request that
/// fails on a reused connection before any answer came (the server closed it while idle) is
/// sent once more on a fresh one. Thread-safe; runs on any number of the io_context's threads
/// (one strand per connection). Timeouts are checked by one coarse sweep, not a timer per call.
class sim_callback_pool {
public:
  /// Delivers an outcome (status, or error with `connect_failed`), on a connection's strand.
  using completion = std::function<void(http_outcome)>;

  sim_callback_pool(boost::asio::io_context& io, callback_pool_limits limits);

  /// Closes every connection; completions of requests in flight are not called.
  ~sim_callback_pool();

  sim_callback_pool(const sim_callback_pool&) = delete;
  sim_callback_pool& operator=(const sim_callback_pool&) = delete;

  /// POSTs `body` (a form) with `signature` as X-Twilio-Signature to `target`, then calls
  /// `done`. When the queue is full `done` gets an error at once and the callback is counted
  /// as dropped.
  void post(const callback_target& target, std::string body, std::string signature,
            completion done);

  /// True while the queue is at least half full.
  bool saturated() const;

  /// The counts so far.
  callback_pool_counts counts() const;

private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

} // namespace verity::net
