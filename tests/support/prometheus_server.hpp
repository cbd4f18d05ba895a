#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/child_process.hpp"

namespace verity::test {

/// A real `prometheus` for tests: scrapes one target every second on a free 127.0.0.1 port,
/// stores its data under a directory it is given, and answers PromQL through its HTTP API.
/// The destructor kills it (see child_process).
class prometheus_server {
public:
  /// Writes a configuration into `directory` that scrapes `target` ("host:port") as job
  /// "verity" every second and loads `rule_file`, then starts `program` and waits until it is
  /// ready. A port taken meanwhile by someone else is retried on another one. Throws
  /// std::runtime_error when it does not become ready within `timeout`.
  prometheus_server(const std::string& program, const std::filesystem::path& directory,
                    const std::string& target, const std::filesystem::path& rule_file,
                    std::chrono::milliseconds timeout);

  /// "http://127.0.0.1:PORT".
  const std::string& url() const { return url_; }

  /// Evaluates `expression` now through /api/v1/query; returns the `data` object of the answer
  /// (`resultType`, `result`), or the whole answer (with `error`) when it failed.
  nlohmann::json query(const std::string& expression) const;

  /// The `data` of GET /api/v1/`path` (e.g. "rules", "targets"), or null when it failed.
  nlohmann::json get(const std::string& path) const;

  /// Everything Prometheus logged so far.
  std::string output() const;

private:
  /// Starts Prometheus on `port`; true once it says it is ready, false when it failed to.
  bool start(const std::string& program, const std::filesystem::path& directory,
             std::uint16_t port, std::chrono::steady_clock::time_point deadline);

  std::unique_ptr<child_process> process_;
  std::string url_;
};

/// A loopback port nobody listens on right now (bound to 127.0.0.1:0, then released).
std::uint16_t free_loopback_port();

} // namespace verity::test
