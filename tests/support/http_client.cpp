#include "tests/support/http_client.hpp"

#include <algorithm>
#include <cctype>
#include <memory>

#include <curl/curl.h>

namespace verity::test {

namespace {

size_t append_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t append_header(char* data, size_t size, size_t count, void* user) {
  std::string line{data, size * count};
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    auto name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of("\r\n") + 1);
    (*static_cast<std::map<std::string, std::string>*>(user))[name] = value;
  }
  return size * count;
}

struct curl_cleanup {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};

struct slist_cleanup {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

} // namespace

http_result http_call(const std::string& method, const std::string& url, const std::string& body,
                      const std::vector<std::string>& headers) {
  http_result result;
  std::unique_ptr<CURL, curl_cleanup> handle{curl_easy_init()};
  curl_slist* raw_list = nullptr;
  for (const auto& header : headers)
    raw_list = curl_slist_append(raw_list, header.c_str());
  std::unique_ptr<curl_slist, slist_cleanup> list{raw_list};
  auto* curl = handle.get();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10'000L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list.get());
  if (!body.empty() || method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, append_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result.headers);
  auto code = curl_easy_perform(curl);
  if (code != CURLE_OK) {
    result.error = curl_easy_strerror(code);
    return result;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  return result;
}

} // namespace verity::test
