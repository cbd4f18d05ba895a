#include "net/http/beast_request.hpp"

#include <cstdint>

#include <boost/beast/http/error.hpp>

namespace verity::net {

namespace http = boost::beast::http;

namespace {

/// True for errors that mean the client sent something that is not HTTP (as opposed to closing
/// the connection or timing out), which deserve a 400 before the connection closes.
bool is_malformed_request(boost::beast::error_code ec) {
  return ec && ec.category() == http::make_error_code(http::error::bad_method).category()
         && ec != http::error::end_of_stream && ec != http::error::partial_message;
}

} // namespace

void apply_limits(request_parser& parser, const http_server_limits& limits) {
  parser.body_limit(limits.max_body);
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header));
}

std::optional<http_response> read_failure_response(boost::beast::error_code ec) {
  if (ec == http::error::body_limit)
    return error_response(413, "payload_too_large", "The request body is too large.");
  if (ec == http::error::header_limit)
    return error_response(431, "invalid_request", "The request headers are too large.");
  if (is_malformed_request(ec))
    return error_response(400, "invalid_request", "The request is not valid HTTP.");
  return std::nullopt;
}

http_request to_http_request(http::request<http::string_body> request, std::string remote_address) {
  http_request converted;
  converted.method = std::string{request.method_string()};
  converted.target = std::string{request.target()};
  for (const auto& field : request)
    converted.headers.emplace_back(std::string{field.name_string()}, std::string{field.value()});
  converted.body = std::move(request.body());
  converted.client_address = remote_address;
  converted.remote_address = std::move(remote_address);
  return converted;
}

} // namespace verity::net
