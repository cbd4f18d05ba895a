#pragma once

// Boost.Beast headers: include this only where requests are read (server.cpp, fuzzing).

#include <optional>
#include <string>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "net/http/message.hpp"
#include "net/http/server.hpp"

namespace verity::net {

/// The parser of one request on a connection.
using request_parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

/// Applies the body and header limits of `limits` to a fresh parser.
void apply_limits(request_parser& parser, const http_server_limits& limits);

/// The answer to a request that could not be read (413, 431, or 400 for what is not HTTP), or
/// nothing when the connection just ends (end of stream, timeout, network error).
std::optional<http_response> read_failure_response(boost::beast::error_code ec);

/// The application's view of a parsed request from the peer at `remote_address`.
http_request to_http_request(boost::beast::http::request<boost::beast::http::string_body> request,
                             std::string remote_address);

} // namespace verity::net
