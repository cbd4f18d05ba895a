#pragma once

#include "config/config.hpp"

namespace verity {

/// Sends the process's log to standard error, one line per event with a UTC timestamp, at
/// `level` and above.
void setup_logging(severity level);

} // namespace verity
