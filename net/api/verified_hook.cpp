#include "net/api/verified_hook.hpp"

#include <spdlog/spdlog.h>

#include "net/api/json_views.hpp"
#include "net/http/curl_multi.hpp"

namespace verity::net {

namespace {

/// The Unix seconds of `at`.
std::int64_t unix_seconds(timestamp at) {
  return std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
}

/// The platform's answer as an object to merge, or why it is not one.
verified_hook::outcome read_answer(const http_outcome& answer) {
  if (answer.status == 0)
    return tl::make_unexpected("no answer: " + answer.error);
  if (answer.status < 200 || answer.status > 299)
    return tl::make_unexpected("answered HTTP " + std::to_string(answer.status));
  if (answer.body.empty())
    return nlohmann::json::object();
  auto body = nlohmann::json::parse(answer.body, nullptr, false);
  if (!body.is_object())
    return tl::make_unexpected(std::string{"answered something other than a JSON object"});
  return body;
}

} // namespace

std::string verified_event_body(const verified_event& event) {
  nlohmann::json body = {{"type", "verification.approved"},
                         {"timestamp", format_time(event.at)},
                         {"data",
                          {{"verification_id", event.id.to_string()},
                           {"phone", event.phone},
                           {"channel", to_string(event.via)}}}};
  return body.dump();
}

verified_hook::verified_hook(boost::asio::io_context& io, std::string url,
                             std::vector<webhook_secret> secrets,
                             std::chrono::milliseconds timeout)
  : url_(std::move(url)), secrets_(std::move(secrets)), timeout_(timeout),
    http_(std::make_unique<curl_multi>(io)) {
}

verified_hook::~verified_hook() = default;

void verified_hook::call(const verified_event& event, completion done) {
  http_call request;
  request.method = "POST";
  request.url = url_;
  request.body = verified_event_body(event);
  auto signature = sign_webhook("verified_" + event.id.to_string(), unix_seconds(event.at),
                                request.body, secrets_);
  request.headers = {"Content-Type: application/json", "Accept: application/json",
                     "webhook-id: " + signature.id, "webhook-timestamp: " + signature.timestamp,
                     "webhook-signature: " + signature.signature};
  request.connect_timeout = timeout_;
  request.total_timeout = timeout_;
  http_->start(std::move(request), [done = std::move(done)](http_outcome answer) {
    auto platform_answer = read_answer(answer);
    if (!platform_answer)
      spdlog::warn("verified hook failed: {}", platform_answer.error());
    done(std::move(platform_answer));
  });
}

} // namespace verity::net
