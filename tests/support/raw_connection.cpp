#include "tests/support/raw_connection.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace verity::test {

namespace {

/// The value of header `name` (case-insensitive) in `head`, or "".
std::string header_value(const std::string& head, std::string name) {
  auto lower = head;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto at = lower.find("\r\n" + name + ":");
  if (at == std::string::npos)
    return {};
  auto start = at + 3 + name.size();
  auto end = lower.find("\r\n", start);
  auto value = lower.substr(start, end - start);
  value.erase(0, value.find_first_not_of(' '));
  return value;
}

} // namespace

raw_connection::raw_connection(std::uint16_t port, std::chrono::milliseconds timeout)
  : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
  if (fd_ < 0)
    throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  timeval limit{static_cast<time_t>(timeout.count() / 1000),
                static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    auto error = std::string("connect: ") + std::strerror(errno);
    ::close(fd_);
    throw std::runtime_error(error);
  }
}

raw_connection::~raw_connection() {
  ::close(fd_);
}

void raw_connection::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0)
      throw std::runtime_error(std::string("send: ") + std::strerror(errno));
    sent += static_cast<std::size_t>(n);
  }
}

bool raw_connection::fill() {
  char buffer[4096];
  auto n = ::recv(fd_, buffer, sizeof buffer, 0);
  if (n == 0 || (n < 0 && errno == ECONNRESET))
    closed_ = true;
  if (n <= 0)
    return false;
  pending_.append(buffer, static_cast<std::size_t>(n));
  return true;
}

std::optional<raw_response> raw_connection::read_response() {
  std::size_t end_of_head;
  while ((end_of_head = pending_.find("\r\n\r\n")) == std::string::npos)
    if (!fill())
      return std::nullopt;
  raw_response response;
  response.head = pending_.substr(0, end_of_head + 2);
  auto length = std::stoul("0" + header_value(response.head, "content-length"));
  while (pending_.size() < end_of_head + 4 + length)
    if (!fill())
      return std::nullopt;
  response.body = pending_.substr(end_of_head + 4, length);
  pending_.erase(0, end_of_head + 4 + length);
  auto space = response.head.find(' ');
  response.status = space == std::string::npos ? 0 : std::atoi(response.head.c_str() + space + 1);
  response.closes = header_value(response.head, "connection") == "close";
  return response;
}

std::vector<raw_response> raw_connection::read_until_close() {
  std::vector<raw_response> responses;
  while (auto response = read_response())
    responses.push_back(std::move(*response));
  return responses;
}

std::vector<raw_response> raw_exchange(std::uint16_t port, const std::string& bytes) {
  raw_connection connection{port};
  connection.send(bytes);
  return connection.read_until_close();
}

} // namespace verity::test
