#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "engine/form.hpp"
#include "engine/units.hpp"
#include "net/api/limits.hpp"
#include "net/api/simulated_phones.hpp"
#include "tests/net/api/fake_engine.hpp"
#include "tests/support/http_client.hpp"

namespace verity::net::test {

/// The API key the fixture configures (with a second one, "test-key-2").
inline constexpr std::string_view api_key = "test-key-1";
/// The public URL Twilio signatures are checked against.
inline constexpr std::string_view public_url = "https://verity.example";
/// The current and the previous Twilio auth token.
inline constexpr std::string_view current_token = "token-current";
inline constexpr std::string_view previous_token = "token-previous";

/// How a suite wants the API set up (set in the suite's constructor).
struct api_options {
  std::size_t shards = 2;    ///< Fake directory shards; each refuses requests routed wrongly.
  bool with_storage = true;  ///< Whether a fake storage actor is wired.
  bool with_api_keys = true; ///< Whether VERITY_API_KEYS holds the test keys.
  api_limits limits;         ///< Short timeouts by default (see the constructor).
  rate_limit ip_limit{1000, std::chrono::milliseconds{60'000}};
  std::optional<bool> demo; ///< VERITY_DEMO; unset: auto (on: the fixture has no Twilio
                            ///< credentials).
  /// The simulated phones; null: as with real Twilio.
  std::shared_ptr<const simulated_phones> inbox;
  /// The compatibility API's verified hook and its whsec_ secret; "": none.
  std::string verified_hook_url;
  std::string verified_hook_secret;
};

/// End-to-end at the HTTP boundary: a real http_server on 127.0.0.1 (port 0) with
/// add_api_routes, over fake directory shards and a fake storage actor in a real CAF actor
/// system, all scripted through `engine`. Requests go through a real HTTP client (libcurl).
class api_fixture : public ::testing::Test {
protected:
  api_fixture();
  ~api_fixture() override;

  void SetUp() override;
  void TearDown() override;

  /// A request with any method, body and headers (nothing added).
  verity::test::http_result call(const std::string& method, const std::string& path,
                                 const std::string& body = {},
                                 const std::vector<std::string>& headers = {}) const;

  /// A GET with the API key.
  verity::test::http_result get(const std::string& path) const;

  /// A POST of a JSON body with the API key and `extra` headers.
  verity::test::http_result post_json(const std::string& path, const std::string& body,
                                      const std::vector<std::string>& extra = {}) const;

  /// A POST of a JSON body without API key (the compatibility API).
  verity::test::http_result post_public(const std::string& path, const std::string& body) const;

  /// A signed Twilio webhook POST of `params` to `target` (path and query), signed with `token`.
  verity::test::http_result post_signed(const std::string& target, const form_params& params,
                                        std::string_view token = current_token) const;

  /// A verification of `e164` with one WhatsApp attempt that reached `state`; ids carry the
  /// phone's routing key as the engine's do.
  verification_view make_view(const std::string& e164, delivery_status state,
                              const std::string& twilio_sid = {}) const;

  /// A message id routed to the shard of `e164`.
  message_id message_id_for(const std::string& e164) const;

  api_options options;
  std::shared_ptr<fake_engine> engine = std::make_shared<fake_engine>();

private:
  struct runtime;
  std::unique_ptr<runtime> runtime_;
  std::vector<std::uint8_t> secret_;
};

/// Parses a JSON body, failing the test (and returning null) when it is not JSON.
nlohmann::json json_of(const verity::test::http_result& result);

} // namespace verity::net::test
