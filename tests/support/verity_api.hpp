#pragma once

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/http_client.hpp"

namespace verity::test {

/// API v1 of a running `verity` at `address` with `api_key`, for end-to-end tests.
class verity_api {
public:
  verity_api(std::string address, std::string api_key)
    : address_(std::move(address)), api_key_(std::move(api_key)) {}

  /// POST /v1/verifications to `phone`, with `idempotency_key` unless empty.
  http_result create(const std::string& phone, const std::string& idempotency_key = {}) const;

  /// GET /v1/verifications/{id}, long-polling up to `wait` for a state other than `seen`.
  http_result read(const std::string& id, const std::string& seen,
                   std::chrono::seconds wait) const;

  /// GET /v1/messages/{id}.
  http_result message(const std::string& id) const;

  /// POST /v1/verifications/{id}/check with `code`.
  http_result check(const std::string& id, const std::string& code) const;

private:
  std::string address_;
  std::string api_key_;
};

/// The JSON body of an answer (null when it is not JSON).
nlohmann::json json_of(const http_result& answer);

/// Rank of an API delivery state in the lattice ("sending" is the engine's `created`; -1 for
/// anything unknown).
int rank_of(const std::string& state);

} // namespace verity::test
