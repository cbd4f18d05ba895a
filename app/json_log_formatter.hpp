#pragma once

// Writes log events as JSON lines, for log collectors that parse structured logs.

#include <memory>

#include <spdlog/formatter.h>

namespace verity {

/// An spdlog formatter that writes each event as one JSON object on one line:
/// `{"ts": "2026-12-03T20:51:02.123Z", "level": "info", "logger": "verity", "thread": 1234,
/// "msg": "..."}`. The time is RFC 3339 in UTC with milliseconds; every string is escaped by a
/// JSON library (bytes that are not UTF-8 become U+FFFD), so no message can break the line or
/// forge a field.
class json_log_formatter final : public spdlog::formatter {
public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

} // namespace verity
