#pragma once

#include "config/config.hpp"

namespace verity {

/// Sends the process's log to standard error, one line per event with a UTC timestamp, at
/// `level` and above: plain text, or one JSON object per line (json_log_formatter).
void setup_logging(severity level, log_format format = log_format::text);

} // namespace verity
