#include "config/config.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <initializer_list>
#include <set>
#include <thread>
#include <utility>

#include "config/config_reader.hpp"
#include "engine/standard_webhook.hpp"

namespace verity {
namespace {

constexpr std::uint64_t kib = 1024;
constexpr std::uint64_t mib = 1024 * kib;

/// Moves a parsed value into `target`, or passes the parse error on.
template <class T, class U>
tl::expected<void, std::string> store(T& target, tl::expected<U, std::string> parsed) {
  if (!parsed)
    return tl::unexpected(std::move(parsed.error()));
  target = std::move(*parsed);
  return {};
}

/// Any text, taken as it is (tokens).
tl::expected<std::string, std::string> any_text(std::string_view text) {
  return std::string{text};
}

/// A listen address, or nothing for "".
tl::expected<std::optional<endpoint>, std::string> optional_endpoint(std::string_view text) {
  if (text.empty())
    return std::optional<endpoint>{};
  auto parsed = parse_endpoint(text);
  if (!parsed)
    return tl::unexpected(std::move(parsed.error()));
  return std::optional<endpoint>{std::move(*parsed)};
}

/// An http or https URL kept exactly as written (its path is the platform's), or "" for none.
tl::expected<std::string, std::string> optional_url(std::string_view text) {
  if (text.empty())
    return std::string{};
  auto parsed = parse_http_url(text);
  if (!parsed)
    return tl::unexpected(std::move(parsed.error()));
  return std::string{text};
}

/// A Standard Webhooks signing secret ("whsec_" + base64 of 24 to 64 bytes), or "" for none.
tl::expected<std::string, std::string> optional_webhook_secret(std::string_view text) {
  if (text.empty() || webhook_secret::parse(text))
    return std::string{text};
  return tl::unexpected(std::string{"expected whsec_ followed by the base64 of 24 to 64 bytes"});
}

/// A duration that must be longer than zero.
tl::expected<std::chrono::milliseconds, std::string> positive_duration(std::string_view text) {
  auto parsed = parse_duration(text);
  if (parsed && parsed->count() == 0)
    return tl::unexpected(std::string{"expected a duration longer than zero, e.g. 10s"});
  return parsed;
}

/// A request body limit between 1 KiB and 64 MiB.
tl::expected<std::uint64_t, std::string> body_size(std::string_view text) {
  auto parsed = parse_size(text);
  if (parsed && (*parsed < kib || *parsed > 64 * mib))
    return tl::unexpected(std::string{"expected a size from 1KiB to 64MiB"});
  return parsed;
}

/// RocksDB's memory budget, between 16 MiB and 1024 GiB.
tl::expected<std::uint64_t, std::string> storage_memory_size(std::string_view text) {
  auto parsed = parse_size(text);
  if (parsed && (*parsed < 16 * mib || *parsed > 1024 * 1024 * mib))
    return tl::unexpected(std::string{"expected a size from 16MiB to 1024GiB"});
  return parsed;
}

/// "auto" (nothing: decided by the egress), or a boolean.
tl::expected<std::optional<bool>, std::string> auto_or_bool(std::string_view text) {
  if (text == "auto")
    return std::optional<bool>{};
  auto parsed = parse_bool(text);
  if (!parsed)
    return tl::unexpected(std::string{"expected auto, true or false"});
  return std::optional<bool>{*parsed};
}

/// Parses `text` as the value of key `id` into its field of `c`.
tl::expected<void, std::string> assign(config& c, key_id id, std::string_view text) {
  switch (id) {
    case key_id::listen: return store(c.listen, parse_endpoint(text));
    case key_id::admin_listen: return store(c.admin_listen, optional_endpoint(text));
    case key_id::data_dir: return store(c.data_dir, parse_directory(text));
    case key_id::public_url: return store(c.public_url, parse_http_url(text));
    case key_id::api_keys: return store(c.api_keys, parse_api_keys(text));
    case key_id::twilio_mode: return store(c.twilio.mode, parse_twilio_mode(text));
    case key_id::twilio_account_sid: return store(c.twilio.account_sid, parse_sid(text, "AC"));
    case key_id::twilio_auth_token: return store(c.twilio.auth_token, any_text(text));
    case key_id::twilio_auth_token_previous:
      return store(c.twilio.auth_token_previous, any_text(text));
    case key_id::twilio_phone_number: return store(c.twilio.phone_number, parse_sender(text));
    case key_id::twilio_whatsapp_number:
      return store(c.twilio.whatsapp_number, parse_sender(text));
    case key_id::twilio_messaging_service_sid:
      return store(c.twilio.messaging_service_sid, parse_sid(text, "MG"));
    case key_id::twilio_whatsapp_template_sid:
      return store(c.twilio.whatsapp_template_sid, parse_sid(text, "HX"));
    case key_id::twilio_api_base: return store(c.twilio.api_base, parse_http_url(text));
    case key_id::twilio_mps:
      return store(c.twilio.messages_per_second, parse_whole_number(text, 1, 1'000'000));
    case key_id::twilio_in_flight:
      return store(c.twilio.max_in_flight, parse_whole_number(text, 1, 100'000));
    case key_id::twilio_queue:
      return store(c.twilio.max_queued, parse_whole_number(text, 1, 10'000'000));
    case key_id::delivery_timeout: return store(c.delivery_timeout, positive_duration(text));
    case key_id::code_ttl: return store(c.code_ttl, positive_duration(text));
    case key_id::code_length: return store(c.code_length, parse_whole_number(text, 4, 10));
    case key_id::max_checks: return store(c.max_checks, parse_whole_number(text, 1, 100));
    case key_id::send_limit: return store(c.send_limit, parse_rate(text));
    case key_id::fallback: return store(c.fallback, parse_fallback(text));
    case key_id::brand: return store(c.brand, parse_brand(text));
    case key_id::sync: return store(c.sync, parse_bool(text));
    case key_id::retention: return store(c.retention, positive_duration(text));
    case key_id::storage_memory: return store(c.storage_memory, storage_memory_size(text));
    case key_id::max_body: return store(c.max_body, body_size(text));
    case key_id::header_timeout: return store(c.header_timeout, positive_duration(text));
    case key_id::drain: return store(c.drain, parse_duration(text));
    case key_id::prestop: return store(c.prestop, parse_duration(text));
    case key_id::ip_limit: return store(c.ip_limit, parse_rate(text));
    case key_id::prefix_limit: return store(c.prefix_limit, parse_rate(text));
    case key_id::prefix_cooldown: return store(c.prefix_cooldown, positive_duration(text));
    case key_id::country_limit: return store(c.country_limit, parse_rate(text));
    case key_id::cors_origins: return store(c.cors_origins, parse_origins(text));
    case key_id::trusted_proxies: return store(c.trusted_proxies, parse_networks(text));
    case key_id::max_in_flight:
      return store(c.max_in_flight, parse_whole_number(text, 1, 1'000'000));
    case key_id::allow_insecure_callbacks:
      return store(c.allow_insecure_callbacks, parse_bool(text));
    case key_id::compat_verified_hook:
      return store(c.compat_verified_hook, optional_url(text));
    case key_id::compat_verified_hook_secret:
      return store(c.compat_verified_hook_secret, optional_webhook_secret(text));
    case key_id::demo: return store(c.demo, auto_or_bool(text));
    case key_id::net_threads: return store(c.net_threads, parse_whole_number(text, 1, 64));
    case key_id::workers: return store(c.workers, parse_whole_number(text, 0, 256));
    case key_id::shards: return store(c.shards, parse_whole_number(text, 1, 1024));
    case key_id::log_level: return store(c.log_level, parse_severity(text));
    case key_id::log_format: return store(c.log_style, parse_log_format(text));
    case key_id::code_secret: return store(c.code_secret, parse_code_secret(text));
  }
  return tl::unexpected(std::string{"expected a known key"});
}

/// The canonical text of key `id`'s value in `c`.
std::string show(const config& c, key_id id) {
  switch (id) {
    case key_id::listen: return c.listen.to_string();
    case key_id::admin_listen: return c.admin_listen ? c.admin_listen->to_string() : "";
    case key_id::data_dir: return c.data_dir.string();
    case key_id::public_url: return c.public_url;
    case key_id::api_keys: return join_api_keys(c.api_keys);
    case key_id::twilio_mode: return std::string{to_string(c.twilio.mode)};
    case key_id::twilio_account_sid: return c.twilio.account_sid;
    case key_id::twilio_auth_token: return c.twilio.auth_token;
    case key_id::twilio_auth_token_previous: return c.twilio.auth_token_previous;
    case key_id::twilio_phone_number: return c.twilio.phone_number;
    case key_id::twilio_whatsapp_number: return c.twilio.whatsapp_number;
    case key_id::twilio_messaging_service_sid: return c.twilio.messaging_service_sid;
    case key_id::twilio_whatsapp_template_sid: return c.twilio.whatsapp_template_sid;
    case key_id::twilio_api_base: return c.twilio.api_base;
    case key_id::twilio_mps: return std::to_string(c.twilio.messages_per_second);
    case key_id::twilio_in_flight: return std::to_string(c.twilio.max_in_flight);
    case key_id::twilio_queue: return std::to_string(c.twilio.max_queued);
    case key_id::delivery_timeout: return format_duration(c.delivery_timeout);
    case key_id::code_ttl: return format_duration(c.code_ttl);
    case key_id::code_length: return std::to_string(c.code_length);
    case key_id::max_checks: return std::to_string(c.max_checks);
    case key_id::send_limit: return format_rate(c.send_limit);
    case key_id::fallback: return std::string{to_string(c.fallback)};
    case key_id::brand: return c.brand;
    case key_id::sync: return std::string{format_bool(c.sync)};
    case key_id::retention: return format_duration(c.retention);
    case key_id::storage_memory: return format_size(c.storage_memory);
    case key_id::max_body: return format_size(c.max_body);
    case key_id::header_timeout: return format_duration(c.header_timeout);
    case key_id::drain: return format_duration(c.drain);
    case key_id::prestop: return format_duration(c.prestop);
    case key_id::ip_limit: return format_rate(c.ip_limit);
    case key_id::prefix_limit: return format_rate(c.prefix_limit);
    case key_id::prefix_cooldown: return format_duration(c.prefix_cooldown);
    case key_id::country_limit: return format_rate(c.country_limit);
    case key_id::cors_origins: return join_list(c.cors_origins);
    case key_id::trusted_proxies: return join_networks(c.trusted_proxies);
    case key_id::max_in_flight: return std::to_string(c.max_in_flight);
    case key_id::allow_insecure_callbacks:
      return std::string{format_bool(c.allow_insecure_callbacks)};
    case key_id::compat_verified_hook: return c.compat_verified_hook;
    case key_id::compat_verified_hook_secret: return c.compat_verified_hook_secret;
    case key_id::demo: return c.demo ? std::string{format_bool(*c.demo)} : "auto";
    case key_id::net_threads: return std::to_string(c.net_threads);
    case key_id::workers: return std::to_string(c.workers);
    case key_id::shards: return std::to_string(c.shards);
    case key_id::log_level: return std::string{to_string(c.log_level)};
    case key_id::log_format: return std::string{to_string(c.log_style)};
    case key_id::code_secret: return c.code_secret;
  }
  return {};
}

/// A configuration being built from raw values, with the problems found so far.
struct loading {
  raw_settings raw;
  config result;
  std::set<key_id> failed;

  /// True when every key of `ids` parsed, so a rule over them can be checked.
  bool parsed(std::initializer_list<key_id> ids) const {
    return std::none_of(ids.begin(), ids.end(), [&](key_id id) { return failed.contains(id); });
  }

  /// Records that the value of `id` does not meet `expectation`.
  void report(key_id id, std::string_view expectation) {
    raw.problems.push_back(problem_line(key_info(id), raw.values.at(id), expectation));
    failed.insert(id);
  }
};

/// Parses every key's text; the public URL defaults to "http://<listen>".
void assign_all(loading& state) {
  for (const auto& key : config_keys()) {
    auto& value = state.raw.values.at(key.id);
    if (key.id == key_id::public_url && value.origin.kind == source_kind::default_value) {
      if (!state.parsed({key_id::listen}))
        continue;
      value.text = "http://" + state.result.listen.to_string();
    }
    if (auto assigned = assign(state.result, key.id, value.text); !assigned)
      state.report(key.id, assigned.error());
  }
}

/// What live mode lacks of the credentials and a sender, by key; empty when complete.
std::vector<std::string> missing_for_live(const twilio_settings& twilio) {
  std::vector<std::string> missing;
  if (twilio.account_sid.empty())
    missing.emplace_back("TWILIO_ACCOUNT_SID");
  if (twilio.auth_token.empty())
    missing.emplace_back("TWILIO_AUTH_TOKEN");
  if (twilio.phone_number.empty() && twilio.whatsapp_number.empty()
      && twilio.messaging_service_sid.empty())
    missing.emplace_back("a sender (TWILIO_PHONE_NUMBER, TWILIO_WHATSAPP_NUMBER or "
                         "TWILIO_MESSAGING_SERVICE_SID)");
  return missing;
}

/// True when the mode, the credentials and the senders all parsed.
bool twilio_parsed(const loading& state) {
  return state.parsed({key_id::twilio_mode, key_id::twilio_account_sid, key_id::twilio_auth_token,
                       key_id::twilio_phone_number, key_id::twilio_whatsapp_number,
                       key_id::twilio_messaging_service_sid});
}

/// True when the configuration runs against real Twilio with everything it needs.
bool live_and_complete(const loading& state) {
  return twilio_parsed(state) && !state.result.uses_simulator()
         && missing_for_live(state.result.twilio).empty();
}

/// Live mode needs the account, its token and a sender: one line names what is missing and
/// the way out (the simulator). A previous token needs a current one in either mode.
void check_credentials(loading& state) {
  const auto& twilio = state.result.twilio;
  if (state.parsed({key_id::twilio_auth_token, key_id::twilio_auth_token_previous})
      && twilio.auth_token.empty() && !twilio.auth_token_previous.empty())
    state.report(key_id::twilio_auth_token_previous,
                 "expected no previous token while TWILIO_AUTH_TOKEN is unset");
  if (!twilio_parsed(state) || state.result.uses_simulator())
    return;
  auto missing = missing_for_live(twilio);
  if (missing.empty())
    return;
  std::string names;
  for (const auto& name : missing)
    names += (names.empty() ? "" : ", ") + name;
  state.report(key_id::twilio_mode,
               "expected Twilio credentials for live mode, missing " + names
                 + "; set VERITY_TWILIO=simulator to run the built-in Twilio simulator instead "
                   "(it reaches no phone)");
}

/// Real credentials need an https public URL, unless insecure callbacks are allowed.
void check_callback_scheme(loading& state) {
  const auto& c = state.result;
  if (!state.parsed({key_id::public_url, key_id::allow_insecure_callbacks})
      || !live_and_complete(state) || c.allow_insecure_callbacks || !is_plain_http(c.public_url))
    return;
  state.report(key_id::public_url,
               "expected an https URL while Twilio credentials are set (Twilio's webhooks must "
               "use HTTPS); set VERITY_ALLOW_INSECURE_CALLBACKS=true to allow http");
}

/// The verified hook is signed: a hook needs a secret, and a secret a hook.
void check_verified_hook(loading& state) {
  const auto& c = state.result;
  if (!state.parsed({key_id::compat_verified_hook, key_id::compat_verified_hook_secret}))
    return;
  if (!c.compat_verified_hook.empty() && c.compat_verified_hook_secret.empty())
    state.report(key_id::compat_verified_hook_secret,
                 "expected a whsec_ secret when VERITY_COMPAT_VERIFIED_HOOK is set");
  if (c.compat_verified_hook.empty() && !c.compat_verified_hook_secret.empty())
    state.report(key_id::compat_verified_hook,
                 "expected the hook's URL when VERITY_COMPAT_VERIFIED_HOOK_SECRET is set");
}

/// A delivery confirmation cannot be awaited longer than the code lives.
void check_delivery_timeout(loading& state) {
  const auto& c = state.result;
  if (state.parsed({key_id::delivery_timeout, key_id::code_ttl})
      && c.delivery_timeout > c.code_ttl)
    state.report(key_id::delivery_timeout,
                 "expected at most VERITY_CODE_TTL (" + format_duration(c.code_ttl) + ")");
}

/// The rules that involve more than one key, checked once every key has parsed.
constexpr std::array<void (*)(loading&), 4> rules{
  check_credentials,
  check_callback_scheme,
  check_verified_hook,
  check_delivery_timeout,
};

/// How check-config shows where a value came from.
std::string describe_origin(const value_origin& origin) {
  switch (origin.kind) {
    case source_kind::default_value: return "default";
    case source_kind::file: return "file " + origin.name;
    case source_kind::environment: return "environment " + origin.name;
    case source_kind::flag: return "flag " + origin.name;
  }
  return {};
}

} // namespace

bool config::uses_simulator() const {
  return twilio.mode == twilio_mode::simulator;
}

bool config::demo_enabled() const {
  return demo.value_or(uses_simulator());
}

std::uint32_t config::worker_threads() const {
  if (workers != 0)
    return workers;
  return std::max(1U, std::thread::hardware_concurrency());
}

std::string config_error::to_string() const {
  std::string text;
  for (const auto& line : problems)
    text += (text.empty() ? "" : "\n") + line;
  return text;
}

std::optional<std::string> read_process_environment(std::string_view name) {
  const char* value = std::getenv(std::string{name}.c_str());
  if (value == nullptr)
    return std::nullopt;
  return std::string{value};
}

tl::expected<config, config_error> load_config(const config_sources& sources) {
  loading state{read_settings(sources), {}, {}};
  assign_all(state);
  for (auto rule : rules)
    rule(state);
  if (!state.raw.problems.empty())
    return tl::unexpected(config_error{std::move(state.raw.problems)});
  for (const auto& [id, value] : state.raw.values)
    state.result.origins[id] = value.origin;
  return std::move(state.result);
}

config default_config() {
  config_sources defaults;
  defaults.env = [](std::string_view) { return std::optional<std::string>{}; };
  defaults.flags.emplace(key_info(key_id::twilio_mode).file_key, "simulator");
  return load_config(defaults).value();
}

std::vector<std::string> config_warnings(const config& settings) {
  std::vector<std::string> warnings;
  if (settings.uses_simulator())
    warnings.emplace_back(
      std::string{"VERITY_TWILIO is simulator: messages go to the built-in Twilio simulator and "
                  "reach no phone"}
      + (settings.twilio.account_sid.empty() ? "" : " (the Twilio credentials set are unused)"));
  else if (settings.twilio.whatsapp_number == twilio_whatsapp_sandbox_number)
    warnings.emplace_back("TWILIO_WHATSAPP_NUMBER is Twilio's WhatsApp sandbox, which takes one "
                          "message every 3 s: WhatsApp sends beyond that wait in the egress "
                          "queue; use a registered sender for real traffic");
  if (settings.api_keys.empty())
    warnings.emplace_back("VERITY_API_KEYS is empty: /v1 refuses every request until keys are "
                          "set");
  if (!settings.sync)
    warnings.emplace_back("VERITY_SYNC is off: acknowledged writes can be lost on power failure");
  return warnings;
}

std::string describe_effective(const config& settings) {
  auto keys = config_keys();
  auto widest_env = std::max_element(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
                      return a.env.size() < b.env.size();
                    })->env.size();
  std::string text;
  for (const auto& key : keys) {
    auto value = show(settings, key.id);
    if (value.empty())
      value = "<unset>";
    else if (key.secret)
      value = "<redacted>";
    auto origin = settings.origins.find(key.id);
    auto name = std::string{key.env};
    name.resize(std::max(name.size(), widest_env), ' ');
    text += name + " = " + value + " ("
            + (origin == settings.origins.end() ? "default" : describe_origin(origin->second))
            + ")\n";
  }
  return text;
}

} // namespace verity
