#include "bench/load_pacing.hpp"

#include <algorithm>
#include <cmath>

namespace verity::bench {

send_schedule::send_schedule(load_clock::time_point start, load_clock::time_point end,
                             double rate, std::uint64_t limit, std::uint64_t first,
                             std::uint64_t stride)
  : start_(start), end_(end), rate_(rate), limit_(limit), first_(first), stride_(stride) {}

std::optional<send_slot> send_schedule::take(load_clock::time_point now) {
  if (limit_ != 0 && taken_ >= limit_)
    return std::nullopt;
  auto intended = now;
  if (rate_ > 0)
    intended = start_ + std::chrono::duration_cast<load_clock::duration>(
                          std::chrono::duration<double>(static_cast<double>(taken_) / rate_));
  if (intended >= end_)
    return std::nullopt;
  return send_slot{first_ + taken_++ * stride_, intended};
}

std::uint64_t send_schedule::missed(load_clock::time_point end) const {
  if (rate_ <= 0)
    return 0;
  auto window = std::chrono::duration<double>(std::min(end, end_) - start_).count();
  auto due = static_cast<std::uint64_t>(std::ceil(std::max(0.0, window) * rate_));
  if (limit_ != 0)
    due = std::min(due, limit_);
  return due > taken_ ? due - taken_ : 0;
}

} // namespace verity::bench
