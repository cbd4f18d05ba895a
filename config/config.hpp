#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "config/config_keys.hpp"
#include "config/config_values.hpp"
#include "engine/fallback_policy.hpp"
#include "engine/units.hpp"

/// The engine's configuration: typed settings loaded from defaults, a TOML file, the
/// environment and command-line flags (each overriding the one before), then validated.
namespace verity {

/// Twilio's shared WhatsApp sandbox sender, in E.164: Twilio takes one message every 3 s from it.
inline constexpr std::string_view twilio_whatsapp_sandbox_number = "+14155238886";

/// Twilio account, senders and API location. With the simulator mode the account and senders
/// are not needed (the built-in simulator stands in with its own).
struct twilio_settings {
  twilio_mode mode = twilio_mode::live; ///< VERITY_TWILIO.
  std::string account_sid;           ///< "AC" + 32 hex digits, or "".
  std::string auth_token;            ///< Secret; set exactly when account_sid is.
  std::string auth_token_previous;   ///< Secret; old token accepted for signatures, or "".
  std::string phone_number;          ///< SMS sender in E.164, or "".
  std::string whatsapp_number;       ///< WhatsApp sender in E.164 (no "whatsapp:"), or "".
  std::string messaging_service_sid; ///< "MG" + 32 hex digits, or "".
  std::string whatsapp_template_sid; ///< "HX" + 32 hex digits, or "".
  std::string api_base;              ///< http(s) URL without a trailing '/'.
  std::uint32_t messages_per_second = 0; ///< VERITY_TWILIO_MPS: egress pace per sender.
  std::uint32_t max_in_flight = 0;       ///< VERITY_TWILIO_IN_FLIGHT: creates on the wire.
  std::uint32_t max_queued = 0;          ///< VERITY_TWILIO_QUEUE: messages waiting to go out.
};

/// Where an effective value came from.
enum class source_kind { default_value, file, environment, flag };

/// The source of one key's effective value, for check-config.
struct value_origin {
  source_kind kind = source_kind::default_value;
  std::string name; ///< The file path, environment name or flag; "" for a default.
};

/// The validated configuration. Build it with load_config (or default_config); the field
/// comments give each key's environment name.
struct config {
  endpoint listen;                           ///< VERITY_LISTEN
  std::optional<endpoint> admin_listen;      ///< VERITY_ADMIN_LISTEN; unset: none
  std::filesystem::path data_dir;            ///< VERITY_DATA_DIR
  std::string public_url;                    ///< VERITY_PUBLIC_URL, no trailing '/'
  std::vector<std::string> api_keys;         ///< VERITY_API_KEYS; empty: /v1 refuses all
  twilio_settings twilio;                    ///< TWILIO_*
  std::chrono::milliseconds delivery_timeout{}; ///< VERITY_DELIVERY_TIMEOUT
  std::chrono::milliseconds code_ttl{};        ///< VERITY_CODE_TTL
  std::uint32_t code_length = 0;             ///< VERITY_CODE_LENGTH, 4..10
  std::uint32_t max_checks = 0;              ///< VERITY_MAX_CHECKS, 1..100
  rate_limit send_limit;                     ///< VERITY_SEND_LIMIT, per phone
  fallback_policy fallback = fallback_policy::manual; ///< VERITY_FALLBACK
  std::string brand;                         ///< VERITY_BRAND, named in code messages
  bool sync = true;                          ///< VERITY_SYNC
  std::chrono::milliseconds retention{};       ///< VERITY_RETENTION
  std::uint64_t storage_memory = 0;          ///< VERITY_STORAGE_MEMORY, bytes
  std::uint64_t max_body = 0;                ///< VERITY_MAX_BODY, bytes
  std::chrono::milliseconds header_timeout{};  ///< VERITY_HEADER_TIMEOUT
  std::chrono::milliseconds drain{};           ///< VERITY_DRAIN
  std::chrono::milliseconds prestop{};         ///< VERITY_PRESTOP
  rate_limit ip_limit;                       ///< VERITY_IP_LIMIT
  rate_limit prefix_limit;                   ///< VERITY_PREFIX_LIMIT
  std::chrono::milliseconds prefix_cooldown{}; ///< VERITY_PREFIX_COOLDOWN
  rate_limit country_limit;                  ///< VERITY_COUNTRY_LIMIT
  std::vector<std::string> cors_origins;     ///< VERITY_CORS_ORIGINS, canonical origins
  std::vector<ip_network> trusted_proxies;   ///< VERITY_TRUSTED_PROXIES
  std::uint32_t max_in_flight = 0;           ///< VERITY_MAX_IN_FLIGHT, 1..1000000
  bool allow_insecure_callbacks = false;     ///< VERITY_ALLOW_INSECURE_CALLBACKS
  std::string compat_verified_hook;          ///< VERITY_COMPAT_VERIFIED_HOOK; "": none
  std::string compat_verified_hook_secret;   ///< VERITY_COMPAT_VERIFIED_HOOK_SECRET (whsec_)
  std::optional<bool> demo;                  ///< VERITY_DEMO; unset ("auto"): see demo_enabled
  std::uint32_t net_threads = 0;             ///< VERITY_NET_THREADS, 1..64
  std::uint32_t workers = 0;                 ///< VERITY_WORKERS; 0 = hardware threads
  std::uint32_t shards = 0;                  ///< VERITY_SHARDS, 1..1024
  severity log_level = severity::info;       ///< VERITY_LOG_LEVEL
  log_format log_style = log_format::text;   ///< VERITY_LOG_FORMAT
  std::string code_secret;                   ///< VERITY_CODE_SECRET; "": generated, kept
                                             ///< in the data directory
  std::map<key_id, value_origin> origins;    ///< Where each key's value came from.

  /// True with VERITY_TWILIO=simulator: messages go to the built-in simulator.
  bool uses_simulator() const;

  /// True when the demo page and its routes are served: VERITY_DEMO, or with "auto" exactly
  /// when the built-in simulator is used (a real Twilio account needs VERITY_DEMO=true).
  bool demo_enabled() const;

  /// The number of scheduler worker threads to start: `workers`, or one per hardware
  /// thread when it is 0.
  std::uint32_t worker_threads() const;
};

/// Every problem found while loading, one line each: "KEY: value 'V' is invalid: expected ...",
/// or "FILE:LINE:COLUMN: ..." for the TOML file itself. Secret values show as '<redacted>'.
struct config_error {
  std::vector<std::string> problems; ///< One line per problem, in the order found.

  /// The problems joined by newlines.
  std::string to_string() const;
};

/// Reads a variable from the process environment (std::getenv).
std::optional<std::string> read_process_environment(std::string_view name);

/// What a configuration is loaded from.
struct config_sources {
  /// Looks up an environment variable; nullopt if unset.
  using env_lookup = std::function<std::optional<std::string>(std::string_view)>;

  /// TOML file (`--config FILE`); empty path: no file.
  std::filesystem::path file;
  /// TOML text to use instead of reading `file` (which then only names it in messages).
  std::optional<std::string> file_text;
  /// The environment. An empty variable counts as unset.
  env_lookup env = read_process_environment;
  /// Command-line values by file key ("delivery.timeout" -> "15s"). An empty value is set.
  std::map<std::string, std::string, std::less<>> flags;
};

/// Loads and validates the configuration: defaults < file < environment < flags. Never throws;
/// on failure the error lists every problem found, not only the first.
tl::expected<config, config_error> load_config(const config_sources& sources);

/// The configuration from defaults alone (no file, environment or flags) but for
/// VERITY_TWILIO=simulator: the default live mode needs credentials.
config default_config();

/// What an operator must know about a valid configuration before trusting it with traffic, one
/// sentence each (simulated delivery, credentials the simulator ignores, no API keys,
/// durability off, a paced sandbox sender).
/// Logged as warnings at start and printed by `verity check-config`.
std::vector<std::string> config_warnings(const config& settings);

/// One line per key, in table order: "ENV_NAME = value (source)", with secrets shown as
/// "<redacted>" and empty values as "<unset>". For `verity check-config`.
std::string describe_effective(const config& settings);

} // namespace verity
