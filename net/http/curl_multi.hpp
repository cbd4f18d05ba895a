#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace verity::net {

/// One outgoing HTTP request for `curl_multi`.
struct http_call {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers; ///< Complete lines: "Accept: application/json".
  std::string body;                 ///< Sent as is (POST and PUT; empty: no body).
  std::string username;             ///< HTTP Basic credentials; empty: none.
  std::string password;
  std::chrono::milliseconds connect_timeout{5'000}; ///< Time to connect (TCP and TLS).
  std::chrono::milliseconds total_timeout{15'000};  ///< Time for the whole transfer.
};

/// What came back for an `http_call`.
struct http_outcome {
  long status = 0;   ///< HTTP status; 0 when no HTTP answer came (see `error`).
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers; ///< Names in lower case.
  std::string error; ///< libcurl's message when the transfer failed, else "".
  bool connect_failed = false; ///< The peer could not be resolved or connected to.

  /// The first value of header `name` (lower case), or "" when absent.
  std::string_view header(std::string_view name) const;
};

/// Many concurrent HTTP transfers on one libcurl multi handle, driven by an Asio io_context:
/// libcurl's sockets are watched with Asio descriptors and its timeouts with a steady_timer,
/// all on one strand. Connections are reused, HTTP/2 is used when the server offers it (and
/// its streams multiplexed), TLS peers are verified. No thread per request.
class curl_multi {
public:
  /// Delivers the outcome of one transfer, on the io_context's thread. Must not throw.
  using completion = std::function<void(http_outcome)>;

  /// Creates the multi handle; transfers run while someone runs `io`. Throws
  /// std::runtime_error when libcurl cannot be initialised.
  explicit curl_multi(boost::asio::io_context& io);

  /// Abandons the transfers in flight: their completions are never called. Safe while `io`
  /// runs on other threads.
  ~curl_multi();

  curl_multi(const curl_multi&) = delete;
  curl_multi& operator=(const curl_multi&) = delete;

  /// Starts `call` and calls `done` with its outcome. Thread-safe; never blocks. A call that
  /// cannot even be set up (e.g. libcurl refuses an option) completes with an error.
  void start(http_call call, completion done);

private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

} // namespace verity::net
