#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace verity::test {

/// How a counting_server treats the requests it reads.
enum class counting_mode {
  answer,             ///< 200 at once, keep-alive.
  answer_then_close,  ///< 200 at once (keep-alive promised), then closes the connection soon
                      ///< after, as a server does with an idle connection.
  never_answer,       ///< Reads, never answers.
};

/// An HTTP/1.1 server on 127.0.0.1 for tests of HTTP clients: counts the TCP connections it
/// accepts and keeps the body of every request it reads. Runs on threads of its own.
class counting_server {
public:
  explicit counting_server(counting_mode mode = counting_mode::answer, unsigned threads = 2);
  ~counting_server();

  counting_server(const counting_server&) = delete;
  counting_server& operator=(const counting_server&) = delete;

  /// "http://127.0.0.1:PORT" + path.
  std::string url(std::string_view path) const;

  /// TCP connections accepted so far.
  std::size_t connections() const;

  /// Waits until at least `count` requests arrived or `timeout` passed; returns their bodies.
  std::vector<std::string> wait_for(std::size_t count, std::chrono::milliseconds timeout) const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace verity::test
