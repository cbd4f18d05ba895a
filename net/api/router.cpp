#include "net/api/router.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "net/api/answer_once.hpp"
#include "net/api/client_address.hpp"
#include "net/api/uri.hpp"

namespace verity::net {

namespace {

/// The segments of a path after the leading '/': "/a/b" -> {"a", "b"}, "/" -> {""}.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.starts_with('/'))
    path.remove_prefix(1);
  for (;;) {
    auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos)
      return segments;
    path.remove_prefix(slash + 1);
  }
}

/// `respond`, adding the CORS headers of `policy` for `origin` to every answer.
responder with_cors(std::shared_ptr<const cors_policy> policy, std::string_view origin,
                    responder respond) {
  return [policy = std::move(policy), origin = std::string{origin},
          respond = std::move(respond)](http_response answer) {
    policy->add_headers(origin, answer);
    respond(std::move(answer));
  };
}

/// "GET, POST": the methods a path accepts, for the Allow header.
std::string join_methods(const std::vector<std::string>& methods) {
  std::string joined;
  for (const auto& method : methods) {
    if (!joined.empty())
      joined += ", ";
    joined += method;
  }
  return joined;
}

} // namespace

router::router(metrics* recorder)
  : metrics_(recorder), unmatched_(recorder ? &recorder->http_route("unmatched") : nullptr) {}

void router::add(std::string method, std::string_view pattern, route_handler handler) {
  if (!pattern.starts_with('/'))
    throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
  route added{std::move(method), std::string(pattern), {}, std::move(handler),
              metrics_ ? &metrics_->http_route(pattern) : nullptr};
  for (auto text : split_path(pattern)) {
    bool parameter = text.size() >= 2 && text.front() == '{' && text.back() == '}';
    if (parameter)
      text = text.substr(1, text.size() - 2);
    if (parameter && text.empty())
      throw std::invalid_argument("route parameter needs a name: " + std::string(pattern));
    added.pattern.push_back({std::string(text), parameter});
  }
  routes_.push_back(std::move(added));
}

std::optional<router::params> router::match(const route& candidate,
                                            const std::vector<std::string_view>& segments) {
  if (candidate.pattern.size() != segments.size())
    return std::nullopt;
  params bound;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const auto& expected = candidate.pattern[i];
    if (!expected.parameter) {
      if (expected.text != segments[i])
        return std::nullopt;
      continue;
    }
    auto value = percent_decode(segments[i]);
    if (segments[i].empty() || !value)
      return std::nullopt;
    bound.emplace_back(expected.text, std::move(*value));
  }
  return bound;
}

void router::run(const route& chosen, const http_request& request, responder respond) {
  try {
    chosen.handler(request, respond);
  } catch (const std::exception& error) {
    spdlog::error("route {} {} failed: {}", request.method, chosen.text, error.what());
    respond(error_response(500, "internal", "The request could not be completed."));
  }
}

bool router::more_specific(const route& a, const route& b) {
  for (std::size_t i = 0; i < a.pattern.size() && i < b.pattern.size(); ++i)
    if (a.pattern[i].parameter != b.pattern[i].parameter)
      return !a.pattern[i].parameter;
  return false;
}

responder router::recorded(const metrics::route_series* series, responder respond) const {
  if (series == nullptr)
    return respond;
  return [recorder = metrics_, series, respond = std::move(respond),
          start = std::chrono::steady_clock::now()](http_response answer) {
    recorder->http_request(*series, answer.status, std::chrono::steady_clock::now() - start);
    respond(std::move(answer));
  };
}

std::vector<router::route_key> router::registered() const {
  std::vector<route_key> keys;
  keys.reserve(routes_.size());
  for (const auto& added : routes_)
    keys.push_back({added.method, added.text});
  return keys;
}

void router::allow_cors(std::string prefix, std::shared_ptr<const cors_policy> policy) {
  cors_.emplace_back(std::move(prefix), std::move(policy));
}

void router::trust_proxies(std::vector<ip_network> proxies) {
  trusted_proxies_ = std::move(proxies);
}

std::shared_ptr<const cors_policy> router::cors_of(std::string_view path) const {
  for (const auto& [prefix, policy] : cors_)
    if (path.starts_with(prefix))
      return policy;
  return nullptr;
}

void router::handle(http_request request, responder respond) {
  request.client_address = client_address(request, trusted_proxies_);
  auto cors = cors_of(request.path());
  if (cors)
    respond = with_cors(cors, request.header("Origin"), std::move(respond));
  auto segments = split_path(request.path());
  const route* same_path = nullptr;
  const route* best = nullptr;
  params best_params;
  std::vector<std::string> allowed;
  for (const auto& candidate : routes_) {
    auto bound = match(candidate, segments);
    if (!bound)
      continue;
    if (same_path == nullptr)
      same_path = &candidate;
    if (std::find(allowed.begin(), allowed.end(), candidate.method) == allowed.end())
      allowed.push_back(candidate.method);
    if (candidate.method != request.method)
      continue;
    if (best == nullptr || more_specific(candidate, *best)) {
      best = &candidate;
      best_params = std::move(*bound);
    }
  }
  if (best != nullptr) {
    request.path_params = std::move(best_params);
    return run(*best, request, answer_once(recorded(best->series, std::move(respond))));
  }
  if (cors && same_path != nullptr && cors_policy::is_preflight(request))
    return recorded(same_path->series, std::move(respond))(cors->preflight(request));
  respond = recorded(unmatched_, std::move(respond));
  if (allowed.empty())
    return respond(error_response(404, "not_found", "No such route."));
  auto answer = error_response(405, "method_not_allowed", "This method is not allowed on this path.");
  answer.headers.emplace_back("Allow", join_methods(allowed));
  respond(std::move(answer));
}

} // namespace verity::net
