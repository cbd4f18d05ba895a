// The shape of dashboards/verity.json that Grafana's import and the targets depend on.
// Whether its queries return data is tests/e2e/prometheus_test.cpp's job.

#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "engine/error_classification.hpp"

namespace verity {
namespace {

using json = nlohmann::json;

/// Grafana's width of a dashboard row, in grid units.
constexpr int grid_width = 24;

json dashboard() {
  std::ifstream in{std::string{VERITY_DASHBOARDS_DIR} + "/verity.json"};
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

/// The panel titled `title` (null when none).
json panel_titled(const json& board, const std::string& title) {
  for (const auto& panel : board.at("panels"))
    if (panel.value("title", "") == title)
      return panel;
  return nullptr;
}

/// The values of the threshold steps of `panel` (the first step's base value aside).
std::set<double> threshold_values(const json& panel) {
  std::set<double> values;
  for (const auto& step : panel.at("fieldConfig").at("defaults").at("thresholds").at("steps"))
    if (step.at("value").is_number())
      values.insert(step.at("value").get<double>());
  return values;
}

TEST(verity_dashboard_test, imports_with_a_datasource_variable_used_everywhere) {
  auto board = dashboard();
  EXPECT_FALSE(board.value("uid", "").empty());
  EXPECT_GE(board.value("schemaVersion", 0), 36) << "Grafana 10 reads schema 36 and later";
  const auto& variables = board.at("templating").at("list");
  ASSERT_EQ(variables.size(), 1U);
  EXPECT_EQ(variables[0].at("name"), "datasource");
  EXPECT_EQ(variables[0].at("type"), "datasource");
  EXPECT_EQ(variables[0].at("query"), "prometheus");

  std::set<int> ids;
  for (const auto& panel : board.at("panels")) {
    auto title = panel.at("title").get<std::string>();
    EXPECT_TRUE(ids.insert(panel.at("id").get<int>()).second) << "duplicate id: " << title;
    const auto& grid = panel.at("gridPos");
    EXPECT_LE(grid.at("x").get<int>() + grid.at("w").get<int>(), grid_width) << title;
    if (panel.at("type") == "row")
      continue;
    EXPECT_EQ(panel.at("datasource").at("uid"), "${datasource}") << title;
    ASSERT_FALSE(panel.at("targets").empty()) << title;
    for (const auto& target : panel.at("targets")) {
      EXPECT_EQ(target.at("datasource").at("uid"), "${datasource}") << title;
      auto expr = target.at("expr").get<std::string>();
      EXPECT_TRUE(expr.find("verity_") != std::string::npos || expr.find("up{") == 0) << expr;
    }
  }
}

TEST(verity_dashboard_test, targets_are_drawn_at_95_and_5_percent) {
  auto board = dashboard();
  auto success = panel_titled(board, "Delivery success rate");
  auto timeouts = panel_titled(board, "Delivery timeout rate");
  ASSERT_FALSE(success.is_null());
  ASSERT_FALSE(timeouts.is_null());
  EXPECT_EQ(threshold_values(success), std::set<double>{0.95});
  EXPECT_EQ(threshold_values(timeouts), std::set<double>{0.05});
}

TEST(verity_dashboard_test, every_known_twilio_error_code_is_described_as_the_engine_does) {
  auto table = panel_titled(dashboard(), "Top Twilio error codes");
  ASSERT_FALSE(table.is_null());
  const auto& mapping = table.at("fieldConfig").at("overrides").at(0).at("properties").at(0);
  ASSERT_EQ(mapping.at("id"), "mappings");
  const auto& texts = mapping.at("value").at(0).at("options");
  for (auto code : known_twilio_error_codes()) {
    auto key = std::to_string(code);
    ASSERT_TRUE(texts.contains(key)) << key;
    EXPECT_EQ(texts[key].at("text"), key + ": " + std::string{describe_twilio_error(code)});
  }
  EXPECT_TRUE(texts.contains("other")) << "the label of codes outside the engine's table";
}

} // namespace
} // namespace verity
