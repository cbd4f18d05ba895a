// JSON log lines: one object per line, every field present, any message text escaped.

#include "app/json_log_formatter.hpp"

#include <regex>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/details/log_msg.h>

namespace verity {
namespace {

/// The line the formatter writes for `text` at `level`, logged at `time`.
std::string formatted(std::string_view text, spdlog::level::level_enum level,
                      spdlog::log_clock::time_point time = spdlog::log_clock::now()) {
  spdlog::details::log_msg msg{time, {}, "verity", level, {text.data(), text.size()}};
  spdlog::memory_buf_t buffer;
  json_log_formatter{}.format(msg, buffer);
  return {buffer.data(), buffer.size()};
}

TEST(json_log_formatter, writes_one_object_per_line_with_every_field) {
  auto line = formatted("verity listening on http://127.0.0.1:8080", spdlog::level::info);
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "a single line";
  auto parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["level"], "info");
  EXPECT_EQ(parsed["logger"], "verity");
  EXPECT_TRUE(parsed["thread"].is_number_unsigned());
  EXPECT_EQ(parsed["msg"], "verity listening on http://127.0.0.1:8080");
  EXPECT_TRUE(std::regex_match(parsed["ts"].get<std::string>(),
                               std::regex{R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)"}))
    << parsed["ts"];
}

TEST(json_log_formatter, the_time_is_rfc_3339_utc_with_milliseconds) {
  spdlog::log_clock::time_point time{std::chrono::milliseconds{1'796'331'062'045}};
  auto parsed = nlohmann::json::parse(formatted("x", spdlog::level::warn, time));
  EXPECT_EQ(parsed["ts"], "2026-12-03T20:51:02.045Z");
  EXPECT_EQ(parsed["level"], "warning");
}

TEST(json_log_formatter, no_message_breaks_the_line_or_forges_a_field) {
  const std::string hostile = "a \"quote\", a \\ backslash,\nnew line\r\t\x01 and "
                              "\"}\n{\"level\":\"error\" and bad UTF-8 \xff\xfe";
  auto line = formatted(hostile, spdlog::level::err);
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
  auto parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed.size(), 5u);
  EXPECT_EQ(parsed["level"], "error");
  auto msg = parsed["msg"].get<std::string>();
  EXPECT_EQ(msg.substr(0, hostile.size() - 2), hostile.substr(0, hostile.size() - 2));
  EXPECT_EQ(msg.substr(hostile.size() - 2), "\xef\xbf\xbd\xef\xbf\xbd") << "U+FFFD twice";
}

} // namespace
} // namespace verity
