#include "actors/actor_bridge.hpp"

namespace verity {

actor_bridge::actor_bridge(caf::actor_system& system, std::size_t max_in_flight)
  : system_(system), max_in_flight_(max_in_flight),
    in_flight_(std::make_shared<std::atomic<std::size_t>>(0)) {
}

std::size_t actor_bridge::in_flight() const noexcept {
  return in_flight_->load();
}

std::optional<actor_bridge::slot> actor_bridge::try_acquire() {
  auto current = in_flight_->load();
  do {
    if (current >= max_in_flight_)
      return std::nullopt;
  } while (!in_flight_->compare_exchange_weak(current, current + 1));
  return slot{in_flight_};
}

actor_bridge::slot::slot(std::shared_ptr<std::atomic<std::size_t>> counter)
  : counter_(std::move(counter)) {
}

actor_bridge::slot::~slot() {
  if (counter_)
    --*counter_;
}

} // namespace verity
