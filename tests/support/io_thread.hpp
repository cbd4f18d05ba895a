#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "net/http/message.hpp"

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace verity::test {

/// An io_context run by a thread of its own until destruction, for tests.
class io_thread {
public:
  io_thread();
  /// Stops the io_context and joins the thread.
  ~io_thread();

  io_thread(const io_thread&) = delete;
  io_thread& operator=(const io_thread&) = delete;

  /// The io_context the thread runs.
  boost::asio::io_context& io();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// An HTTP server on 127.0.0.1 with an ephemeral port and an I/O thread of its own, for tests.
class test_server {
public:
  /// Starts serving `handler`, which must outlive the server.
  explicit test_server(net::request_handler& handler);
  ~test_server();

  test_server(const test_server&) = delete;
  test_server& operator=(const test_server&) = delete;

  /// The bound port.
  std::uint16_t port() const;

  /// "http://127.0.0.1:PORT" + path.
  std::string url(std::string_view path) const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace verity::test
