// The provisioning of dashboards/ fits together: compose.yaml's services, mounts and ports,
// the Prometheus configuration they mount (checked by promtool in the container's layout),
// Grafana's data source and dashboard provider, and the data source of every panel of every
// dashboards/*.json. Whether the queries return data is tests/e2e/prometheus_test.cpp's job.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>

#include <sys/wait.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "tests/support/child_process.hpp"

namespace verity {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using json = nlohmann::json;

const fs::path dashboards_dir{VERITY_DASHBOARDS_DIR};

/// A compose service's bind mounts: container path -> host path (named volumes left out).
using mounts = std::map<std::string, fs::path>;

YAML::Node compose() {
  return YAML::LoadFile((dashboards_dir / "compose.yaml").string());
}

/// `path` without `.`, `..` or a trailing separator.
fs::path normal(const fs::path& path) {
  auto result = path.lexically_normal();
  return result.has_filename() ? result : result.parent_path();
}

/// `text` split at `separator`.
std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream in{text};
  for (std::string part; std::getline(in, part, separator);)
    parts.push_back(part);
  return parts;
}

/// The bind mounts of `service`, written `host:container[:mode]` with the host path relative
/// to compose.yaml's directory.
mounts bind_mounts(const YAML::Node& service) {
  mounts found;
  for (const auto& volume : service["volumes"]) {
    auto parts = split(volume.as<std::string>(), ':');
    if (parts.size() >= 2 && (parts[0].starts_with('.') || parts[0].starts_with('/')))
      found[parts[1]] = normal(dashboards_dir / parts[0]);
  }
  return found;
}

/// The host path that `container_path` is in through `mounted` (the longest mount that holds
/// it), or nullopt when no mount holds it.
std::optional<fs::path> host_path(const mounts& mounted, const std::string& container_path) {
  std::optional<fs::path> best;
  std::size_t best_length = 0;
  for (const auto& [target, source] : mounted) {
    auto inside = container_path == target || container_path.starts_with(target + "/");
    if (inside && target.size() >= best_length) {
      best = normal(source / fs::path{container_path}.lexically_relative(target));
      best_length = target.size();
    }
  }
  return best;
}

/// The value of the flag `--name=value` among a service's `command`, or "" when absent.
std::string flag(const YAML::Node& service, const std::string& name) {
  for (const auto& argument : service["command"]) {
    auto text = argument.as<std::string>();
    if (text.starts_with("--" + name + "="))
      return text.substr(name.size() + 3);
  }
  return "";
}

/// The port of "host:port" (or of a URL ending in it).
std::string port_of(const std::string& address) {
  return address.substr(address.rfind(':') + 1);
}

/// The container ports `service` publishes, each checked to be bound to loopback only.
std::set<std::string> published_ports(const YAML::Node& service) {
  std::set<std::string> ports;
  for (const auto& port : service["ports"]) {
    auto parts = split(port.as<std::string>(), ':');
    EXPECT_EQ(parts.size(), 3U) << port.as<std::string>();
    EXPECT_EQ(parts.front(), "127.0.0.1") << port.as<std::string>();
    ports.insert(parts.back());
  }
  return ports;
}

/// The port Verity listens on in the `verity` service (its VERITY_LISTEN).
std::string verity_port(const YAML::Node& services) {
  return port_of(services["verity"]["environment"]["VERITY_LISTEN"].as<std::string>());
}

/// The one data source Grafana is provisioned with.
YAML::Node provisioned_data_source() {
  auto file = YAML::LoadFile(
    (dashboards_dir / "provisioning/grafana/datasources/verity.yaml").string());
  EXPECT_EQ(file["datasources"].size(), 1U);
  return file["datasources"][0];
}

/// Every dashboards/*.json, by file name.
std::map<std::string, json> dashboard_files() {
  std::map<std::string, json> boards;
  for (const auto& entry : fs::directory_iterator{dashboards_dir})
    if (entry.path().extension() == ".json") {
      std::ifstream in{entry.path()};
      boards[entry.path().filename().string()] = json::parse(in);
    }
  return boards;
}

/// The data source uid that `reference` (a panel's or query's `datasource.uid`) stands for in
/// `board`: itself, or the current value of the data source variable it names.
std::string resolved_uid(const json& board, const std::string& reference) {
  for (const auto& variable : board.at("templating").at("list"))
    if (variable.at("type") == "datasource"
        && (reference == "${" + variable.at("name").get<std::string>() + "}"
            || reference == "$" + variable.at("name").get<std::string>()))
      return variable.at("current").value("value", "");
  return reference;
}

/// The exit status of `promtool check config` on `file`, with its output.
std::pair<int, std::string> promtool_check_config(const fs::path& file) {
  test::child_process promtool{"/bin/sh",
                               {"-c", R"(exec "$0" check config "$1" 1>&2)",
                                VERITY_PROMTOOL, file.string()},
                               {}};
  auto status = promtool.stop(0, 20s);
  auto exited = status && WIFEXITED(*status);
  return {exited ? WEXITSTATUS(*status) : -1, promtool.output()};
}

TEST(provisioning_test, compose_runs_verity_prometheus_and_grafana_on_loopback_ports) {
  auto services = compose()["services"];
  std::set<std::string> names;
  for (const auto& service : services)
    names.insert(service.first.as<std::string>());
  EXPECT_EQ(names, (std::set<std::string>{"verity", "prometheus", "grafana"}));

  auto verity = services["verity"];
  auto context = normal(dashboards_dir / verity["build"]["context"].as<std::string>());
  EXPECT_TRUE(fs::exists(context / "CMakeLists.txt")) << "the image builds from the repository";
  EXPECT_EQ(verity["build"]["dockerfile"].as<std::string>(), "packaging/Containerfile");
  EXPECT_TRUE(fs::exists(context / "packaging/Containerfile"));
  EXPECT_EQ(verity["environment"]["VERITY_TWILIO"].as<std::string>(), "simulator");
  EXPECT_EQ(published_ports(verity), std::set<std::string>{verity_port(services)});

  EXPECT_TRUE(services["prometheus"]["image"].as<std::string>().starts_with("prom/prometheus:"));
  EXPECT_EQ(published_ports(services["prometheus"]), std::set<std::string>{"9090"});
  EXPECT_TRUE(services["grafana"]["image"].as<std::string>().starts_with("grafana/grafana:"));
  EXPECT_EQ(published_ports(services["grafana"]), std::set<std::string>{"3000"});
}

TEST(provisioning_test, every_mount_has_its_source) {
  auto file = compose();
  for (const auto& service : file["services"]) {
    auto name = service.first.as<std::string>();
    for (const auto& [target, source] : bind_mounts(service.second))
      EXPECT_TRUE(fs::exists(source)) << name << ": " << source << " for " << target;
    for (const auto& volume : service.second["volumes"]) {
      auto source = split(volume.as<std::string>(), ':').front();
      if (!source.starts_with('.') && !source.starts_with('/')) {
        EXPECT_TRUE(file["volumes"][source]) << name << ": undeclared volume " << source;
      }
    }
  }
}

TEST(provisioning_test, prometheus_scrapes_the_verity_service_with_the_rules_mounted) {
  auto services = compose()["services"];
  auto prometheus = services["prometheus"];
  auto mounted = bind_mounts(prometheus);
  auto config_path = flag(prometheus, "config.file");
  auto config_file = host_path(mounted, config_path);
  ASSERT_TRUE(config_file) << config_path << " is not mounted";
  EXPECT_EQ(*config_file, dashboards_dir / "provisioning/prometheus/prometheus.yml");

  auto config = YAML::LoadFile(config_file->string());
  ASSERT_EQ(config["scrape_configs"].size(), 1U);
  const auto& job = config["scrape_configs"][0];
  EXPECT_EQ(job["job_name"].as<std::string>(), "verity") << "alerts.yml's VerityDown needs it";
  EXPECT_EQ(job["static_configs"][0]["targets"][0].as<std::string>(),
            "verity:" + verity_port(services));
  auto config_dir = fs::path{config_path}.parent_path();
  ASSERT_EQ(config["rule_files"].size(), 1U);
  auto rules = host_path(mounted, (config_dir / config["rule_files"][0].as<std::string>()).string());
  ASSERT_TRUE(rules) << "the rule file is not mounted";
  EXPECT_EQ(*rules, dashboards_dir / "alerts.yml");

  // promtool resolves the rule files relative to the configuration: lay the files out as the
  // container sees them.
  std::random_device seed;
  auto root = fs::temp_directory_path()
              / ("verity-provisioning-" + std::to_string(seed()) + std::to_string(seed()));
  for (const auto& [target, source] : mounted) {
    fs::create_directories((root / target.substr(1)).parent_path());
    fs::copy(source, root / target.substr(1), fs::copy_options::recursive);
  }
  auto [status, output] = promtool_check_config(root / config_path.substr(1));
  fs::remove_all(root);
  EXPECT_EQ(status, 0) << output;
}

TEST(provisioning_test, grafana_reads_the_prometheus_service_as_its_default_data_source) {
  auto services = compose()["services"];
  auto mounted = bind_mounts(services["grafana"]);
  EXPECT_EQ(host_path(mounted, "/etc/grafana/provisioning/datasources").value_or(""),
            dashboards_dir / "provisioning/grafana/datasources");

  auto source = provisioned_data_source();
  EXPECT_EQ(source["type"].as<std::string>(), "prometheus");
  EXPECT_FALSE(source["uid"].as<std::string>().empty());
  EXPECT_TRUE(source["isDefault"].as<bool>());
  EXPECT_EQ(source["url"].as<std::string>(), "http://prometheus:9090");
  auto config = YAML::LoadFile(
    (dashboards_dir / "provisioning/prometheus/prometheus.yml").string());
  EXPECT_EQ(source["jsonData"]["timeInterval"].as<std::string>(),
            config["global"]["scrape_interval"].as<std::string>())
    << "$__rate_interval is derived from the scrape interval";
}

TEST(provisioning_test, grafana_loads_every_dashboard_json_of_the_folder) {
  auto grafana = compose()["services"]["grafana"];
  auto mounted = bind_mounts(grafana);
  EXPECT_EQ(host_path(mounted, "/etc/grafana/provisioning/dashboards").value_or(""),
            dashboards_dir / "provisioning/grafana/dashboards");
  auto file = YAML::LoadFile(
    (dashboards_dir / "provisioning/grafana/dashboards/verity.yaml").string());
  ASSERT_EQ(file["providers"].size(), 1U);
  const auto& provider = file["providers"][0];
  EXPECT_EQ(provider["type"].as<std::string>(), "file");
  auto folder = host_path(mounted, provider["options"]["path"].as<std::string>());
  ASSERT_TRUE(folder) << "the provider's path is not mounted";
  EXPECT_EQ(*folder, normal(dashboards_dir));
  EXPECT_FALSE(dashboard_files().empty());

  auto home = host_path(
    mounted, grafana["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"].as<std::string>());
  ASSERT_TRUE(home);
  EXPECT_TRUE(fs::exists(*home)) << *home;
}

TEST(provisioning_test, every_panel_of_every_dashboard_resolves_the_provisioned_data_source) {
  auto source = provisioned_data_source();
  auto uid = source["uid"].as<std::string>();
  std::set<std::string> board_uids;
  for (const auto& [file, board] : dashboard_files()) {
    EXPECT_TRUE(board_uids.insert(board.at("uid").get<std::string>()).second) << file;
    for (const auto& panel : board.at("panels")) {
      if (panel.at("type") == "row")
        continue;
      auto where = file + ": " + panel.at("title").get<std::string>();
      const auto& reference = panel.at("datasource");
      EXPECT_EQ(reference.at("type"), source["type"].as<std::string>()) << where;
      EXPECT_EQ(resolved_uid(board, reference.at("uid")), uid) << where;
      ASSERT_FALSE(panel.at("targets").empty()) << where;
      for (const auto& target : panel.at("targets")) {
        EXPECT_EQ(resolved_uid(board, target.at("datasource").at("uid")), uid) << where;
        EXPECT_FALSE(target.value("expr", "").empty()) << where;
      }
    }
  }
}

} // namespace
} // namespace verity
