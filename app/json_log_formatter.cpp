#include "app/json_log_formatter.hpp"

#include <chrono>
#include <ctime>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/details/log_msg.h>

namespace verity {

namespace {

/// `time` in RFC 3339, UTC, with milliseconds: "2026-12-03T20:51:02.123Z".
std::string rfc3339_utc(spdlog::log_clock::time_point time) {
  auto since_epoch = std::chrono::duration_cast<std::chrono::milliseconds>(
    time.time_since_epoch());
  auto seconds = static_cast<std::time_t>(since_epoch.count() / 1000);
  auto millis = static_cast<int>(since_epoch.count() % 1000);
  if (millis < 0) { // before 1970: borrow a second
    millis += 1000;
    --seconds;
  }
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
}

std::string_view view_of(spdlog::string_view_t text) {
  return {text.data(), text.size()};
}

} // namespace

void json_log_formatter::format(const spdlog::details::log_msg& msg,
                                spdlog::memory_buf_t& dest) {
  nlohmann::ordered_json line{{"ts", rfc3339_utc(msg.time)},
                              {"level", view_of(spdlog::level::to_string_view(msg.level))},
                              {"logger", view_of(msg.logger_name)},
                              {"thread", msg.thread_id},
                              {"msg", view_of(msg.payload)}};
  auto text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text += '\n';
  dest.append(text.data(), text.data() + text.size());
}

std::unique_ptr<spdlog::formatter> json_log_formatter::clone() const {
  return std::make_unique<json_log_formatter>();
}

} // namespace verity
