#include "net/twilio/egress_pacer.hpp"

#include <algorithm>

namespace verity::net {

namespace {

/// Tokens short of a whole one by less than this count as whole (floating-point rounding).
constexpr double token_slack = 1e-9;

} // namespace

void egress_pacer::sender_state::refill(clock::time_point now) {
  if (now <= refilled)
    return;
  std::chrono::duration<double> elapsed = now - refilled;
  tokens = std::min(rate.burst, tokens + elapsed.count() * rate.per_second);
  refilled = now;
}

egress_pacer::egress_pacer(egress_limits limits) : limits_(std::move(limits)) {}

egress_pacer::sender_state& egress_pacer::state_of(const std::string& sender,
                                                   clock::time_point now) {
  auto found = senders_.find(sender);
  if (found != senders_.end())
    return found->second;
  auto configured = limits_.paces.find(sender);
  auto rate = configured != limits_.paces.end() ? configured->second : limits_.default_pace;
  rate.burst = std::max(rate.burst, 1.0);
  return senders_.emplace(sender, sender_state{rate, rate.burst, now, {}}).first->second;
}

bool egress_pacer::enqueue(const std::string& sender, std::uint64_t request,
                           clock::time_point now) {
  if (queued_ >= limits_.max_queued)
    return false;
  state_of(sender, now).waiting.push_back(request);
  ++queued_;
  return true;
}

std::vector<std::uint64_t> egress_pacer::take_ready(clock::time_point now) {
  std::vector<std::uint64_t> ready;
  bool took = true;
  while (took && queued_ > 0 && in_flight_ < limits_.max_in_flight) {
    took = false; // one pass gives each sender at most one turn
    for (auto& [sender, state] : senders_) {
      if (state.waiting.empty() || in_flight_ >= limits_.max_in_flight)
        continue;
      state.refill(now);
      if (state.tokens < 1.0 - token_slack)
        continue;
      state.tokens = std::max(0.0, state.tokens - 1.0);
      ready.push_back(state.waiting.front());
      state.waiting.pop_front();
      --queued_;
      ++in_flight_;
      took = true;
    }
  }
  return ready;
}

std::optional<not_sent_reason> egress_pacer::withdraw(std::uint64_t request,
                                                     clock::time_point now) {
  for (auto& [sender, state] : senders_) {
    auto found = std::find(state.waiting.begin(), state.waiting.end(), request);
    if (found == state.waiting.end())
      continue;
    state.waiting.erase(found);
    --queued_;
    state.refill(now);
    return state.tokens < 1.0 - token_slack ? not_sent_reason::sender_rate
                                            : not_sent_reason::egress_busy;
  }
  return std::nullopt;
}

void egress_pacer::finished() {
  if (in_flight_ > 0)
    --in_flight_;
}

std::optional<egress_pacer::clock::time_point> egress_pacer::next_ready(clock::time_point now) {
  if (in_flight_ >= limits_.max_in_flight)
    return std::nullopt;
  std::optional<clock::time_point> earliest;
  for (auto& [sender, state] : senders_) {
    if (state.waiting.empty())
      continue;
    state.refill(now);
    auto missing = std::max(0.0, 1.0 - state.tokens) / state.rate.per_second;
    auto at = now + std::chrono::ceil<clock::duration>(std::chrono::duration<double>{missing});
    if (!earliest || at < *earliest)
      earliest = at;
  }
  return earliest;
}

} // namespace verity::net
