#pragma once

#include <map>
#include <string>
#include <vector>

namespace verity::test {

/// What a test request got back.
struct http_result {
  long status = 0;  ///< 0 when no HTTP answer came (see `error`).
  std::string body;
  std::map<std::string, std::string> headers; ///< Names in lower case.
  std::string error; ///< libcurl's message when the transfer failed.
};

/// A blocking HTTP/1.1 request with libcurl, for tests only (10 s timeout).
http_result http_call(const std::string& method, const std::string& url,
                      const std::string& body = {},
                      const std::vector<std::string>& headers = {});

} // namespace verity::test
