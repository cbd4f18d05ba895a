#pragma once

// The wall-clock time Verity keeps in its records, and the one way to read it.

#include <chrono>

namespace verity {

/// Milliseconds since the Unix epoch, the clock every delivery timestamp is kept in.
using timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

/// Now, on the wall clock, in the millisecond precision records keep.
inline timestamp wall_clock_now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

} // namespace verity
