#include "tests/support/prometheus_server.hpp"

#include <fstream>
#include <regex>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "engine/form.hpp"
#include "tests/support/http_client.hpp"

namespace verity::test {

namespace {

/// Ports tried before giving up.
constexpr int attempts = 3;

/// The configuration: one job "verity" scraped every second, the rules evaluated as often.
std::string configuration(const std::string& target, const std::filesystem::path& rule_file) {
  return "global:\n"
         "  scrape_interval: 1s\n"
         "  scrape_timeout: 1s\n"
         "  evaluation_interval: 1s\n"
         "rule_files:\n"
         "  - \""
         + rule_file.string()
         + "\"\n"
           "scrape_configs:\n"
           "  - job_name: verity\n"
           "    static_configs:\n"
           "      - targets: [\""
         + target + "\"]\n";
}

/// The `data` of a Prometheus API answer, or the whole answer when its status is not success.
nlohmann::json data_of(const http_result& answer) {
  auto body = nlohmann::json::parse(answer.body, nullptr, false);
  if (body.is_object() && body.value("status", "") == "success")
    return body["data"];
  if (body.is_discarded())
    return {{"error", answer.error.empty() ? answer.body : answer.error}};
  return body;
}

} // namespace

std::uint16_t free_loopback_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor{
    io, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  return acceptor.local_endpoint().port();
}

prometheus_server::prometheus_server(const std::string& program,
                                     const std::filesystem::path& directory,
                                     const std::string& target,
                                     const std::filesystem::path& rule_file,
                                     std::chrono::milliseconds timeout) {
  std::filesystem::create_directories(directory);
  std::ofstream{directory / "prometheus.yml"} << configuration(target, rule_file);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (int attempt = 0; attempt < attempts; ++attempt)
    if (start(program, directory, free_loopback_port(), deadline))
      return;
  throw std::runtime_error("prometheus did not start: " + output());
}

bool prometheus_server::start(const std::string& program, const std::filesystem::path& directory,
                              std::uint16_t port, std::chrono::steady_clock::time_point deadline) {
  auto address = "127.0.0.1:" + std::to_string(port);
  process_ = std::make_unique<child_process>(
    program,
    std::vector<std::string>{"--config.file=" + (directory / "prometheus.yml").string(),
                             "--storage.tsdb.path=" + (directory / "data").string(),
                             "--web.listen-address=" + address, "--log.level=info"},
    std::map<std::string, std::string>{});
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
    deadline - std::chrono::steady_clock::now());
  auto line = process_->wait_for_line(
    std::regex{R"((Server is ready to receive web requests|address already in use))"}, left);
  if (!line || *line != "Server is ready to receive web requests")
    return false;
  url_ = "http://" + address;
  return true;
}

nlohmann::json prometheus_server::query(const std::string& expression) const {
  return data_of(http_call("POST", url_ + "/api/v1/query", encode_form({{"query", expression}}),
                           {"Content-Type: application/x-www-form-urlencoded"}));
}

nlohmann::json prometheus_server::get(const std::string& path) const {
  auto data = data_of(http_call("GET", url_ + "/api/v1/" + path));
  return data.contains("error") ? nlohmann::json{} : data;
}

std::string prometheus_server::output() const {
  return process_ ? process_->output() : std::string{};
}

} // namespace verity::test
