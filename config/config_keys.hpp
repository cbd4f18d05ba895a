#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

/// The one table of every configuration key: its names in the environment, in the TOML file
/// and on the command line, its default, what it means and whether it is a secret.
namespace verity {

/// Every configuration key, in the order of the table (and of check-config's output).
enum class key_id {
  listen,
  admin_listen,
  data_dir,
  public_url,
  api_keys,
  twilio_mode,
  twilio_account_sid,
  twilio_auth_token,
  twilio_auth_token_previous,
  twilio_phone_number,
  twilio_whatsapp_number,
  twilio_messaging_service_sid,
  twilio_whatsapp_template_sid,
  twilio_api_base,
  twilio_mps,
  twilio_in_flight,
  twilio_queue,
  delivery_timeout,
  code_ttl,
  code_length,
  max_checks,
  send_limit,
  fallback,
  brand,
  sync,
  retention,
  storage_memory,
  max_body,
  header_timeout,
  drain,
  prestop,
  ip_limit,
  prefix_limit,
  prefix_cooldown,
  country_limit,
  cors_origins,
  trusted_proxies,
  max_in_flight,
  allow_insecure_callbacks,
  compat_verified_hook,
  compat_verified_hook_secret,
  demo,
  net_threads,
  workers,
  shards,
  log_level,
  log_format,
  code_secret,
};

/// Number of keys in the table.
inline constexpr std::size_t key_count = static_cast<std::size_t>(key_id::code_secret) + 1;

/// Everything known about one configuration key.
struct config_key {
  key_id id;
  /// Environment name, e.g. "VERITY_DELIVERY_TIMEOUT": the canonical name in messages.
  std::string_view env;
  /// Name in the TOML file and, after "--", on the command line, e.g. "delivery.timeout":
  /// `env` without "VERITY_", lower case, its first '_' turned into '.' (VERITY_TWILIO, whose
  /// name would be the [twilio] table itself, is "twilio.mode").
  std::string_view file_key;
  /// The default as text; "" means unset. The public URL's "http://<listen>" is derived.
  std::string_view default_text;
  /// What the key is for, in one line.
  std::string_view description;
  /// A secret's value is never printed: "<redacted>" instead, in output and in errors. It may
  /// also be read from a file named by `env` + "_FILE" (or the file key + "_file").
  bool secret;
  /// Another environment name read when `env` is unset (the seed app's name); "" if none.
  std::string_view env_alias;
};

/// All keys, indexed by `key_id`.
std::span<const config_key> config_keys();

/// The table entry of `id`.
const config_key& key_info(key_id id);

/// The entry whose file key is `file_key`, or nullptr if there is none.
const config_key* find_file_key(std::string_view file_key);

/// The command-line flag of a key: "--" followed by its file key, e.g. "--delivery.timeout".
std::string flag_name(const config_key& key);

} // namespace verity
