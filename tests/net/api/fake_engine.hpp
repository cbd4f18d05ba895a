#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "actors/messages.hpp"
#include "engine/error.hpp"
#include "net/api/actor_gateway.hpp"

namespace verity::net::test {

/// What a fake actor answers to one request: a value, an engine error, or nothing at all.
template <class T>
struct fake_reply {
  std::optional<T> value;                  ///< The answer, when there is one.
  ec error = ec::none;                     ///< Else this engine error...
  std::chrono::milliseconds retry_after{0}; ///< ...with this context (for rate_limited).
  bool silent = false;                     ///< Never answer: the bridge's timeout fires.
};

/// A value answer.
template <class T>
fake_reply<T> answer(T value) {
  return {std::move(value), ec::none, {}, false};
}

/// An error answer.
template <class T>
fake_reply<T> fail(ec code, std::chrono::milliseconds retry_after = {}) {
  return {std::nullopt, code, retry_after, false};
}

/// One kind of request the fake answers: records every request received and answers with the
/// script the test set (`ec::not_found` without one). Thread-safe.
template <class Request, class Answer>
class scripted_call {
public:
  using script = std::function<fake_reply<Answer>(const Request&)>;

  /// Sets how requests are answered from now on.
  void answer_with(script next) {
    std::lock_guard lock{mutex_};
    script_ = std::move(next);
  }

  /// Records `request` and answers it (called by the fake actors).
  fake_reply<Answer> operator()(const Request& request) {
    std::lock_guard lock{mutex_};
    received_.push_back(request);
    return script_ ? script_(request) : fail<Answer>(ec::not_found);
  }

  /// Every request received so far.
  std::vector<Request> received() const {
    std::lock_guard lock{mutex_};
    return received_;
  }

  /// Forgets the requests received so far (for long runs such as the fuzzers).
  void forget_received() {
    std::lock_guard lock{mutex_};
    received_.clear();
  }

private:
  mutable std::mutex mutex_;
  script script_;
  std::vector<Request> received_;
};

/// A resend request as the fake receives it.
struct resend_request {
  verification_id id;
  channel via = channel::whatsapp;
};

/// A check request as the fake receives it.
struct check_request {
  verification_id id;
  std::string code;
};

/// The scripted engine behind the fake directory shards and the fake storage actor.
struct fake_engine {
  scripted_call<verification_request, verification_view> start;
  scripted_call<verification_query, verification_view> get;
  scripted_call<resend_request, verification_view> resend;
  scripted_call<check_request, check_result> check;
  scripted_call<verification_id, verification_view> cancel;
  scripted_call<phone_code_check, phone_check_result> check_phone;
  scripted_call<status_callback, acknowledged> status;
  scripted_call<inbound_message, acknowledged> inbound;
  scripted_call<message_id, message_record> load_message;
  scripted_call<std::string, message_id> lookup;
  scripted_call<std::string, idempotency_record> find_answer;   ///< By scoped key.
  scripted_call<stats_query, stats_report> platform_stats;
  scripted_call<phone_stats_query, phone_stats_report> phone_stats;

  /// Forgets every request received so far.
  void forget_received() {
    start.forget_received();
    get.forget_received();
    resend.forget_received();
    check.forget_received();
    cancel.forget_received();
    check_phone.forget_received();
    status.forget_received();
    inbound.forget_received();
    load_message.forget_received();
    lookup.forget_received();
    platform_stats.forget_received();
    phone_stats.forget_received();
  }
};

} // namespace verity::net::test
