#include "tests/support/refusing_port.hpp"

#include <cerrno>
#include <system_error>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace verity::test {

refusing_port::refusing_port() : socket_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
  if (socket_ < 0)
    throw std::system_error(errno, std::generic_category(), "socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  auto* generic = reinterpret_cast<sockaddr*>(&address);
  if (::bind(socket_, generic, length) != 0 || ::getsockname(socket_, generic, &length) != 0) {
    auto error = errno;
    ::close(socket_);
    throw std::system_error(error, std::generic_category(), "bind 127.0.0.1:0");
  }
  number_ = ntohs(address.sin_port);
}

refusing_port::~refusing_port() {
  ::close(socket_);
}

std::string refusing_port::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(number_) + path;
}

} // namespace verity::test
