#include "net/sim/scenarios.hpp"

#include <array>
#include <utility>

namespace verity::net {

namespace {

constexpr std::array<std::pair<std::string_view, sim_scenario>, 11> number_table = {{
  {"0001", sim_scenario::never_delivered},
  {"0002", sim_scenario::not_on_whatsapp},
  {"0003", sim_scenario::needs_template},
  {"0004", sim_scenario::undelivered},
  {"0005", sim_scenario::invalid_number},
  {"0006", sim_scenario::throttled},
  {"0007", sim_scenario::duplicate_callbacks},
  {"0008", sim_scenario::out_of_order},
  {"0009", sim_scenario::callback_first},
  {"0010", sim_scenario::slow_answer},
  {"0011", sim_scenario::throttle_burst},
}};

/// The callbacks of a delivered message: sent, delivered, and read on WhatsApp.
std::vector<planned_callback> delivered_path(bool whatsapp) {
  std::vector<planned_callback> path{{delivery_status::sent}, {delivery_status::delivered}};
  if (whatsapp)
    path.push_back({delivery_status::read});
  return path;
}

/// The callbacks of a scenario, before the Messaging Service's `queued` is added.
std::vector<planned_callback> callbacks_of(sim_scenario scenario, const sim_request_kind& kind) {
  switch (scenario) {
    case sim_scenario::never_delivered:
      return {{delivery_status::sent}};
    case sim_scenario::not_on_whatsapp:
      if (kind.whatsapp)
        return {{delivery_status::failed, 63003}};
      return delivered_path(false);
    case sim_scenario::needs_template:
      if (kind.whatsapp && !kind.with_template)
        return {{delivery_status::failed, 63016}};
      return delivered_path(kind.whatsapp);
    case sim_scenario::undelivered:
      return {{delivery_status::sent}, {delivery_status::undelivered, 30003}};
    case sim_scenario::duplicate_callbacks: {
      std::vector<planned_callback> twice;
      for (auto callback : delivered_path(kind.whatsapp)) {
        twice.push_back(callback);
        callback.repeat = true;
        twice.push_back(callback);
      }
      return twice;
    }
    case sim_scenario::out_of_order: {
      std::vector<planned_callback> swapped{{delivery_status::delivered}, {delivery_status::sent}};
      if (kind.whatsapp)
        swapped.push_back({delivery_status::read});
      return swapped;
    }
    case sim_scenario::normal:
    case sim_scenario::throttled:
    case sim_scenario::callback_first:
    case sim_scenario::slow_answer:
    case sim_scenario::invalid_number:
    case sim_scenario::throttle_burst:
      return delivered_path(kind.whatsapp);
  }
  return delivered_path(kind.whatsapp);
}

} // namespace

std::string_view sim_scenario_table() {
  return "Scenarios by the last four digits of To:\n"
         "  0001  sent, then nothing: never delivered (the engine's deadline)\n"
         "  0002  WhatsApp: failed 63003 (not a WhatsApp user); SMS: delivered\n"
         "  0003  WhatsApp: failed 63016 unless sent with ContentSid (then delivered)\n"
         "  0004  sent, then undelivered 30003\n"
         "  0005  synchronous HTTP 400, code 21211 (invalid To)\n"
         "  0006  synchronous HTTP 429, code 20429, for the first --throttle-tries tries, then "
         "delivered\n"
         "  0007  every callback sent twice\n"
         "  0008  delivered arrives before sent\n"
         "  0009  the first callback arrives before the 201 response\n"
         "  0010  the 201 comes only after --slow-ms, then delivered\n"
         "  0011  429 (20429), and so is every create request for the next --burst-ms\n"
         "  other sent, delivered (and read on WhatsApp); or, by rate: undelivered 30003\n"
         "        (--fail-rate), never delivered (--timeout-rate), 429 (--throttle-rate)\n";
}

std::optional<sim_scenario> scenario_for_number(std::string_view e164) {
  if (e164.size() < 4)
    return std::nullopt;
  auto last_four = e164.substr(e164.size() - 4);
  for (const auto& [ending, scenario] : number_table)
    if (ending == last_four)
      return scenario;
  return std::nullopt;
}

sim_plan plan_scenario(sim_scenario scenario, const sim_request_kind& kind,
                       std::chrono::milliseconds slow_delay) {
  sim_plan plan;
  if (scenario == sim_scenario::invalid_number) {
    plan.http_status = 400;
    plan.error_code = 21211;
    return plan;
  }
  if (scenario == sim_scenario::throttled || scenario == sim_scenario::throttle_burst) {
    plan.http_status = 429;
    plan.error_code = 20429;
    return plan;
  }
  plan.callback_first = scenario == sim_scenario::callback_first;
  if (scenario == sim_scenario::slow_answer)
    plan.answer_delay = slow_delay;
  if (kind.via_service)
    plan.callbacks.push_back({delivery_status::queued});
  for (const auto& callback : callbacks_of(scenario, kind))
    plan.callbacks.push_back(callback);
  return plan;
}

sim_director::sim_director(sim_mix mix, std::uint64_t seed)
  : mix_(mix), random_(seed != 0 ? seed : std::random_device{}()) {}

sim_plan sim_director::decide(const std::string& e164, const sim_request_kind& kind,
                              clock::time_point now) {
  return plan_scenario(choose(e164, now), kind, mix_.slow_delay);
}

sim_scenario sim_director::choose(const std::string& e164, clock::time_point now) {
  std::lock_guard lock{mutex_};
  if (now < throttled_until_)
    return sim_scenario::throttled;
  auto scripted = scenario_for_number(e164);
  if (scripted == sim_scenario::throttle_burst)
    throttled_until_ = now + mix_.burst;
  if (scripted == sim_scenario::throttled) {
    auto& tries = tries_[e164];
    if (tries >= mix_.throttle_tries)
      return sim_scenario::normal;
    ++tries;
    return sim_scenario::throttled;
  }
  if (scripted)
    return *scripted;
  auto draw = std::uniform_real_distribution<double>{0.0, 1.0}(random_);
  if (draw < mix_.fail_rate)
    return sim_scenario::undelivered;
  if (draw < mix_.fail_rate + mix_.timeout_rate)
    return sim_scenario::never_delivered;
  if (draw < mix_.fail_rate + mix_.timeout_rate + mix_.throttle_rate)
    return sim_scenario::throttled;
  return sim_scenario::normal;
}

} // namespace verity::net
