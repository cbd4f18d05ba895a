#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "net/http/message.hpp"

namespace verity::test {

/// A platform's endpoint for Verity's outgoing calls (the verified hook): a real HTTP server on
/// 127.0.0.1 on threads of its own that keeps every request and answers as scripted, or not at
/// all (held answers are released when it stops).
class platform_stub {
public:
  platform_stub();
  ~platform_stub();
  platform_stub(const platform_stub&) = delete;
  platform_stub& operator=(const platform_stub&) = delete;

  /// "http://127.0.0.1:PORT/hooks/verified".
  std::string url() const;

  /// Answers every further request with `status` and the JSON `body`.
  void answer_with(int status, std::string body);

  /// Keeps every further request unanswered (a platform that hangs).
  void hang();

  /// Waits until at least `count` requests arrived or `timeout` passed; returns those so far.
  std::vector<net::http_request> wait_for(std::size_t count,
                                          std::chrono::milliseconds timeout) const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace verity::test
