#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace verity::test {

/// One HTTP response as read off the wire, for tests that speak raw bytes.
struct raw_response {
  int status = 0;          ///< From the status line.
  std::string head;        ///< Status line and header fields, as received.
  std::string body;        ///< Exactly Content-Length bytes.
  bool closes = false;     ///< The response says `Connection: close`.
};

/// A blocking TCP connection to 127.0.0.1 for tests that must send what no HTTP client would
/// (garbage, pipelined requests, smuggling attempts). Every read gives up after `timeout`.
class raw_connection {
public:
  /// Connects to 127.0.0.1:`port`. Throws std::runtime_error when it cannot.
  explicit raw_connection(std::uint16_t port,
                          std::chrono::milliseconds timeout = std::chrono::seconds{5});
  ~raw_connection();

  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;

  /// Sends `bytes` (all of them, or throws std::runtime_error).
  void send(const std::string& bytes);

  /// Reads one response (head and Content-Length body); nullopt when the connection closes or
  /// the timeout passes first.
  std::optional<raw_response> read_response();

  /// Reads every response until the server closes the connection or the timeout passes.
  std::vector<raw_response> read_until_close();

  /// True once the server closed the connection (a read saw the end of the stream).
  bool closed_by_server() const { return closed_; }

private:
  /// Reads more bytes into `pending_`; false at the end of the stream or on timeout.
  bool fill();

  int fd_ = -1;
  std::string pending_;
  bool closed_ = false;
};

/// Sends `bytes` on a fresh connection to `port` and reads every response until the server
/// closes it (or 5 s pass).
std::vector<raw_response> raw_exchange(std::uint16_t port, const std::string& bytes);

} // namespace verity::test
