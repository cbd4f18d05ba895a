#include "net/sim/inbox.hpp"

#include <nlohmann/json.hpp>

namespace verity::net {

sim_inbox::sim_inbox(std::size_t capacity, std::chrono::milliseconds ttl)
  : messages_(capacity, ttl), latest_(capacity, ttl) {
}

void sim_inbox::deliver(const std::string& sid, const std::string& e164,
                        sim_inbox_message message, clock::time_point now) {
  std::lock_guard lock{mutex_};
  messages_.put(sid, std::move(message), now);
  latest_.put(e164, sid, now);
}

std::optional<sim_inbox_message> sim_inbox::find(const std::string& sid, clock::time_point now) {
  std::lock_guard lock{mutex_};
  auto* found = messages_.find(sid, now);
  return found ? std::optional{*found} : std::nullopt;
}

std::optional<sim_inbox_message> sim_inbox::latest(const std::string& e164,
                                                  clock::time_point now) {
  std::lock_guard lock{mutex_};
  auto* sid = latest_.find(e164, now);
  auto* found = sid ? messages_.find(*sid, now) : nullptr;
  return found ? std::optional{*found} : std::nullopt;
}

std::string render_otp_template(std::string_view content_variables) {
  auto variables = nlohmann::json::parse(content_variables, nullptr, false);
  if (!variables.is_object() || !variables.contains("1") || !variables["1"].is_string())
    return {};
  return "Your verification code is " + variables["1"].get<std::string>() + ".";
}

} // namespace verity::net
