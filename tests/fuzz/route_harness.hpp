#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "engine/delivery_status.hpp"
#include "engine/error.hpp"
#include "net/http/message.hpp"

namespace verity::fuzz {

/// The API key the harness configures.
inline constexpr std::string_view api_key = "fuzz-key";

/// A request carrying this X-Twilio-Signature is signed correctly by the harness before it is
/// routed, so that the fuzzer reaches the webhook handlers behind the signature check.
inline constexpr std::string_view sign_me = "fuzz-sign";

/// Every engine-facing route (add_api_routes) over fake directory shards and a fake storage
/// actor, in a CAF actor system on the deterministic test scheduler: a request goes in and its
/// answer comes out on the calling thread, with no socket and no timer thread. One per process.
class route_harness {
public:
  /// The process's harness, created on first use and never destroyed: libFuzzer ends with
  /// exit(), and CAF 0.17.6 crashes destroying an actor system from an exit handler (after
  /// function-local statics of its own that the system still uses).
  static route_harness& instance();

  route_harness(const route_harness&) = delete;
  route_harness& operator=(const route_harness&) = delete;

  /// How the fake engine answers from now on: every call succeeds for an even `outcome` (with
  /// messages in the delivery state it picks), else fails with the engine error it picks.
  void script(std::uint8_t outcome);

  /// Routes `request` (signing it first when it asks to be) and runs the actors until it is
  /// answered. Aborts when it is never answered, or answered twice.
  net::http_response handle(net::http_request request);

private:
  route_harness();
  ~route_harness();

  /// Scripts every fake call to fail with `error`.
  void script_failures(ec error);

  /// Scripts every fake call to succeed, with messages that reached `state`.
  void script_successes(delivery_status state);

  struct runtime;
  std::unique_ptr<runtime> runtime_;
};

/// Aborts unless `response` is a well-formed answer to a request for `path`: a status from 100 to
/// 599, a content type, header names that are tokens and values without CR or LF, and, for a
/// non-2xx answer under /v1, the JSON error body of API.md; any JSON answer must parse.
void check_answer(std::string_view path, const net::http_response& response);

} // namespace verity::fuzz
