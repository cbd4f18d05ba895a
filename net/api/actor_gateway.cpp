#include "net/api/actor_gateway.hpp"

#include <algorithm>

#include <caf/message.hpp>

#include "actors/actor_bridge.hpp"
#include "engine/clock.hpp"
#include "engine/routing.hpp"
#include "net/api/context.hpp"

namespace verity::net {

namespace {

using std::chrono::milliseconds;

/// What a client is told to wait after a timeout or a full queue.
constexpr milliseconds overload_retry_after{1'000};

/// The retry-after milliseconds an `ec::rate_limited` error carries in its context (any
/// integer type), or 0 when it carries none.
milliseconds retry_after_of(const caf::message& context) {
  if (context.size() != 1)
    return milliseconds{0};
  if (context.match_element<std::int64_t>(0))
    return milliseconds{context.get_as<std::int64_t>(0)};
  if (context.match_element<std::uint64_t>(0))
    return milliseconds{static_cast<std::int64_t>(context.get_as<std::uint64_t>(0))};
  if (context.match_element<std::int32_t>(0))
    return milliseconds{context.get_as<std::int32_t>(0)};
  if (context.match_element<std::uint32_t>(0))
    return milliseconds{context.get_as<std::uint32_t>(0)};
  return milliseconds{0};
}

/// Translates a caf::error from an engine actor or from the bridge.
engine_failure to_failure(const caf::error& error) {
  if (error.category() == caf::atom("verity")) {
    auto code = static_cast<ec>(error.code());
    if (code == ec::rate_limited)
      return {code, std::max(retry_after_of(error.context()), milliseconds{0})};
    if (code == ec::overloaded)
      return {code, overload_retry_after};
    return {code, milliseconds{0}};
  }
  if (error == caf::sec::request_timeout || error == caf::sec::request_receiver_down)
    return {ec::overloaded, overload_retry_after};
  return {ec::none, milliseconds{0}};
}

/// Adapts an engine callback to a bridge completion, mapping the answer with `convert`.
template <class From, class To, class Convert>
bridge_completion<From> adapt(engine_callback<To> done, Convert convert) {
  return [done = std::move(done), convert](caf::expected<From> result) {
    if (result)
      return done(convert(std::move(*result)));
    done(tl::make_unexpected(to_failure(result.error())));
  };
}

/// Adapts an engine callback whose answer needs no conversion.
template <class T>
bridge_completion<T> adapt(engine_callback<T> done) {
  return adapt<T, T>(std::move(done), [](T value) { return value; });
}

/// Adapts an engine callback to an `ok_atom` acknowledgement.
bridge_completion<caf::ok_atom> adapt_ack(engine_callback<acknowledged> done) {
  return adapt<caf::ok_atom, acknowledged>(std::move(done), [](caf::ok_atom) {
    return acknowledged{};
  });
}

} // namespace

struct actor_gateway::impl {
  explicit impl(const api_context& context)
    : bridge(context.system, context.limits.max_in_flight), shards(context.shards),
      storage(context.storage), secret(context.secret),
      timeout(context.limits.request_timeout), max_wait(context.limits.max_wait) {
  }

  /// The shard that owns ids carrying `routing_key` (a null handle when there are no shards,
  /// which the bridge answers as an internal failure).
  phone_directory_actor shard_of(std::uint32_t routing_key) const {
    if (shards.empty())
      return {};
    return shards[shard_index(routing_key, shards.size())];
  }

  /// The shard of an E.164 number.
  phone_directory_actor shard_of_phone(const std::string& e164) const {
    return shard_of(phone_routing_key(secret, e164));
  }

  actor_bridge bridge;
  std::vector<phone_directory_actor> shards;
  storage_actor storage;
  std::vector<std::uint8_t> secret;
  milliseconds timeout;
  milliseconds max_wait;
};

actor_gateway::actor_gateway(const api_context& context)
  : impl_(std::make_unique<impl>(context)) {
}

actor_gateway::~actor_gateway() = default;

void actor_gateway::start(verification_request request, engine_callback<verification_view> done) {
  auto target = impl_->shard_of_phone(request.phone);
  impl_->bridge.request<verification_view>(target, impl_->timeout, adapt(std::move(done)),
                                           atom::start::value, std::move(request));
}

void actor_gateway::get(verification_query query, engine_callback<verification_view> done) {
  query.wait = std::clamp(query.wait, milliseconds{0}, impl_->max_wait);
  auto target = impl_->shard_of(query.id.routing_key());
  impl_->bridge.request<verification_view>(target, impl_->timeout + query.wait,
                                           adapt(std::move(done)), atom::get::value,
                                           std::move(query));
}

void actor_gateway::resend(verification_id id, channel via,
                           engine_callback<verification_view> done) {
  auto target = impl_->shard_of(id.routing_key());
  impl_->bridge.request<verification_view>(target, impl_->timeout, adapt(std::move(done)),
                                           atom::resend::value, id, via);
}

void actor_gateway::check(verification_id id, std::string code,
                          engine_callback<check_result> done) {
  auto target = impl_->shard_of(id.routing_key());
  impl_->bridge.request<check_result>(target, impl_->timeout, adapt(std::move(done)),
                                      atom::check::value, id, std::move(code));
}

void actor_gateway::cancel(verification_id id, engine_callback<verification_view> done) {
  auto target = impl_->shard_of(id.routing_key());
  impl_->bridge.request<verification_view>(target, impl_->timeout, adapt(std::move(done)),
                                           atom::cancel::value, id);
}

void actor_gateway::check_latest(phone_code_check check,
                                 engine_callback<phone_check_result> done) {
  auto target = impl_->shard_of_phone(check.phone);
  impl_->bridge.request<phone_check_result>(target, impl_->timeout, adapt(std::move(done)),
                                            atom::check::value, std::move(check));
}

void actor_gateway::status(status_callback callback, engine_callback<acknowledged> done) {
  auto target = impl_->shard_of_phone(callback.phone);
  impl_->bridge.request<caf::ok_atom>(target, impl_->timeout, adapt_ack(std::move(done)),
                                      atom::status::value, std::move(callback));
}

void actor_gateway::inbound(inbound_message message, engine_callback<acknowledged> done) {
  auto target = impl_->shard_of_phone(message.phone);
  impl_->bridge.request<caf::ok_atom>(target, impl_->timeout, adapt_ack(std::move(done)),
                                      atom::inbound::value, std::move(message));
}

bool actor_gateway::reads_messages() const noexcept {
  return static_cast<bool>(impl_->storage);
}

void actor_gateway::load_message(message_id id, engine_callback<message_record> done) {
  impl_->bridge.request<message_record>(impl_->storage, impl_->timeout, adapt(std::move(done)),
                                        atom::load::value, id);
}

void actor_gateway::find_message(std::string twilio_sid, engine_callback<message_id> done) {
  impl_->bridge.request<message_id>(impl_->storage, impl_->timeout, adapt(std::move(done)),
                                    atom::lookup::value, std::move(twilio_sid));
}

void actor_gateway::find_answer(std::string key,
                                engine_callback<std::optional<idempotency_record>> done) {
  if (!reads_messages())
    return done(std::nullopt);
  auto found = [done = std::move(done)](caf::expected<idempotency_record> result) {
    if (result)
      return done(std::optional{std::move(*result)});
    auto failure = to_failure(result.error());
    if (failure.code == ec::not_found)
      return done(std::nullopt);
    done(tl::make_unexpected(failure));
  };
  impl_->bridge.request<idempotency_record>(impl_->storage, impl_->timeout, std::move(found),
                                            atom::lookup::value,
                                            idempotency_query{std::move(key)});
}

void actor_gateway::platform_stats(stats_query query, engine_callback<stats_report> done) {
  impl_->bridge.request<stats_report>(impl_->storage, impl_->timeout, adapt(std::move(done)),
                                      atom::stats::value, query);
}

void actor_gateway::phone_stats(phone_stats_query query,
                                engine_callback<phone_stats_report> done) {
  impl_->bridge.request<phone_stats_report>(impl_->storage, impl_->timeout,
                                            adapt(std::move(done)), atom::stats::value,
                                            std::move(query));
}

void actor_gateway::probe_storage(engine_callback<acknowledged> done) {
  write_batch probe;
  probe.readiness_probe = wall_clock_now();
  impl_->bridge.request<caf::ok_atom>(impl_->storage, impl_->timeout, adapt_ack(std::move(done)),
                                      atom::persist::value, std::move(probe));
}

milliseconds actor_gateway::max_wait() const noexcept {
  return impl_->max_wait;
}

std::size_t actor_gateway::in_flight() const noexcept {
  return impl_->bridge.in_flight();
}

} // namespace verity::net
