// Fuzzes the HTTP request path without a socket: bytes go through a Beast request parser with
// the server's limits (as http_server reads them), then the router and the real route handlers
// over a fake engine. Every request the server would answer must get one well-formed answer
// (see check_answer); the first byte scripts how the fake engine answers.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include "net/http/beast_request.hpp"
#include "tests/fuzz/route_harness.hpp"

namespace {

namespace http = boost::beast::http;

/// Feeds all of `wire` to `parser` as a connection would, then the end of the stream once the
/// parser takes no more. Returns the parser's error (none when a request is complete).
boost::beast::error_code feed(verity::net::request_parser& parser, std::string_view wire) {
  boost::beast::error_code ec;
  while (!parser.is_done()) {
    auto used = parser.put(boost::asio::buffer(wire.data(), wire.size()), ec);
    wire.remove_prefix(used);
    if (ec && ec != http::error::need_more)
      return ec;
    ec = {};
    if (used == 0 && !parser.got_some())
      return http::error::end_of_stream; // what http::read reports for a silent peer
    if (used == 0) {
      parser.put_eof(ec);
      return ec;
    }
  }
  return ec;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& harness = verity::fuzz::route_harness::instance();
  if (size == 0)
    return 0;
  harness.script(data[0]);
  std::string_view wire{reinterpret_cast<const char*>(data) + 1, size - 1};
  verity::net::request_parser parser;
  verity::net::apply_limits(parser, verity::net::http_server_limits{});
  auto ec = feed(parser, wire);
  if (auto refusal = verity::net::read_failure_response(ec)) {
    verity::fuzz::check_answer("/v1/", *refusal);
    return 0;
  }
  if (ec || !parser.is_done())
    return 0; // the server closes the connection without an answer
  auto request = verity::net::to_http_request(parser.release(), "192.0.2.1");
  std::string path{request.path()};
  verity::fuzz::check_answer(path, harness.handle(std::move(request)));
  return 0;
}
