#pragma once

#include <cstdint>
#include <string>

namespace verity::test {

/// A loopback TCP port that refuses every connection for as long as this object lives: a
/// socket is bound to it and never listens. Holding the port keeps tests running in parallel
/// from taking it, which a port freed after a probe does not.
class refusing_port {
public:
  /// Binds a socket to a free port on 127.0.0.1; throws std::system_error when it cannot.
  refusing_port();
  /// Closes the socket: the port is free again.
  ~refusing_port();

  refusing_port(const refusing_port&) = delete;
  refusing_port& operator=(const refusing_port&) = delete;

  /// The port number.
  std::uint16_t number() const { return number_; }

  /// "http://127.0.0.1:<port>" followed by `path`.
  std::string url(const std::string& path = "") const;

private:
  int socket_ = -1;
  std::uint16_t number_ = 0;
};

} // namespace verity::test
