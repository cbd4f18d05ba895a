#include "engine/delivery_status.hpp"

#include <algorithm>

namespace verity {

namespace {

constexpr std::array<std::string_view, delivery_status_count> status_names = {
  "created",   "accepted", "scheduled",   "queued",      "sending",
  "sent",      "timed_out", "canceled",   "failed",      "undelivered",
  "partially_delivered", "delivered", "read",
};

constexpr std::size_t index_of(delivery_status status) {
  return static_cast<std::size_t>(status);
}

/// Keeps the earlier of the time already held (0: none) and `at`. Returns true if it changed.
bool keep_earliest(timestamp::rep& slot, timestamp at) {
  auto value = at.time_since_epoch().count();
  if (slot != 0 && slot <= value)
    return false;
  slot = value;
  return true;
}

/// Keeps the smallest non-zero error code. Returns true if it changed.
bool keep_smallest_code(std::uint32_t& slot, std::uint32_t code) {
  if (code == 0 || (slot != 0 && slot <= code))
    return false;
  slot = code;
  return true;
}

} // namespace

std::string_view to_string(delivery_status status) {
  return status_names[index_of(status)];
}

std::optional<delivery_status> parse_delivery_status(std::string_view text) {
  auto found = std::find(status_names.begin(), status_names.end(), text);
  if (found == status_names.end())
    return std::nullopt;
  return static_cast<delivery_status>(found - status_names.begin());
}

bool is_delivered(delivery_status status) {
  return status == delivery_status::delivered || status == delivery_status::read;
}

bool is_failure(delivery_status status) {
  switch (status) {
    case delivery_status::timed_out:
    case delivery_status::canceled:
    case delivery_status::failed:
    case delivery_status::undelivered:
    case delivery_status::partially_delivered:
      return true;
    default:
      return false;
  }
}

bool is_pending(delivery_status status) {
  return status < delivery_status::timed_out;
}

bool delivery_state::merge(const status_event& event) {
  bool changed = keep_earliest(first_seen_[index_of(event.status)], event.at);
  if (event.status == delivery_status::read)
    changed |= keep_earliest(first_seen_[index_of(delivery_status::delivered)], event.at);
  changed |= keep_smallest_code(error_codes_[index_of(event.status)], event.error_code);
  if (event.status > current_) {
    current_ = event.status;
    changed = true;
  }
  return changed;
}

bool delivery_state::merge(const delivery_state& other) {
  bool changed = false;
  for (std::size_t i = 0; i < delivery_status_count; ++i) {
    if (other.first_seen_[i] != 0)
      changed |= keep_earliest(first_seen_[i], timestamp{std::chrono::milliseconds{other.first_seen_[i]}});
    changed |= keep_smallest_code(error_codes_[i], other.error_codes_[i]);
  }
  if (other.current_ > current_) {
    current_ = other.current_;
    changed = true;
  }
  return changed;
}

std::optional<timestamp> delivery_state::first_seen(delivery_status status) const noexcept {
  auto value = first_seen_[index_of(status)];
  if (value == 0)
    return std::nullopt;
  return timestamp{std::chrono::milliseconds{value}};
}

std::vector<status_event> seen_events(const delivery_state& delivery) {
  std::vector<status_event> events;
  for (std::size_t i = 0; i < delivery_status_count; ++i) {
    auto status = static_cast<delivery_status>(i);
    if (auto at = delivery.first_seen(status))
      events.push_back({status, *at, delivery.error_code_of(status)});
  }
  return events;
}

std::uint32_t delivery_state::error_code() const noexcept {
  return error_codes_[index_of(current_)];
}

std::uint32_t delivery_state::error_code_of(delivery_status status) const noexcept {
  return error_codes_[index_of(status)];
}

std::optional<std::int64_t> delivery_ms(const delivery_state& delivery) {
  auto start = delivery.first_seen(delivery_status::created);
  if (!start)
    start = delivery.first_seen(delivery_status::queued);
  auto delivered = delivery.first_seen(delivery_status::delivered);
  if (!start || !delivered)
    return std::nullopt;
  return std::max<std::int64_t>(0, (*delivered - *start).count());
}

} // namespace verity
