#include "app/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "app/json_log_formatter.hpp"

namespace verity {

namespace {

spdlog::level::level_enum to_spdlog(severity level) {
  switch (level) {
    case severity::trace:
      return spdlog::level::trace;
    case severity::debug:
      return spdlog::level::debug;
    case severity::info:
      return spdlog::level::info;
    case severity::warn:
      return spdlog::level::warn;
    case severity::error:
      return spdlog::level::err;
    case severity::off:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

} // namespace

void setup_logging(severity level, log_format format) {
  auto logger = spdlog::stderr_logger_mt("verity");
  if (format == log_format::json)
    logger->set_formatter(std::make_unique<json_log_formatter>());
  else
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  logger->set_level(to_spdlog(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

} // namespace verity
