// Loading the configuration: defaults, file, environment and flags, each key's checks and the
// rules across keys.
#include "config/config.hpp"

#include <algorithm>
#include <cctype>

#include <boost/asio/ip/address.hpp>

#include "tests/config/config_fixture.hpp"

namespace verity::test {
namespace {

using namespace std::chrono_literals;

TEST_F(config_test, defaults_follow_the_contract) {
  auto c = loaded();
  EXPECT_EQ(c.listen.host, "127.0.0.1");
  EXPECT_EQ(c.listen.port, 8080);
  EXPECT_EQ(c.data_dir, "./data");
  EXPECT_EQ(c.public_url, "http://127.0.0.1:8080");
  EXPECT_TRUE(c.api_keys.empty());
  EXPECT_TRUE(c.uses_simulator());
  EXPECT_EQ(c.twilio.api_base, "https://api.twilio.com");
  EXPECT_EQ(c.twilio.messages_per_second, 80U);
  EXPECT_EQ(c.twilio.max_in_flight, 64U);
  EXPECT_EQ(c.twilio.max_queued, 10'000U);
  EXPECT_EQ(c.delivery_timeout, 10s);
  EXPECT_EQ(c.code_ttl, 15min);
  EXPECT_EQ(c.code_length, 6U);
  EXPECT_EQ(c.max_checks, 5U);
  EXPECT_EQ(c.send_limit, (rate_limit{5, 10min}));
  EXPECT_EQ(c.fallback, fallback_policy::manual);
  EXPECT_TRUE(c.sync);
  EXPECT_EQ(c.retention, 24h * 90);
  EXPECT_EQ(c.storage_memory, 128U * 1024 * 1024);
  EXPECT_EQ(c.max_body, 64U * 1024);
  EXPECT_EQ(c.header_timeout, 10s);
  EXPECT_EQ(c.drain, 35s) << "longer than a 30 s long poll";
  EXPECT_EQ(c.prestop, 0s);
  EXPECT_EQ(c.ip_limit, (rate_limit{120, 1min}));
  EXPECT_EQ(c.prefix_limit, (rate_limit{1000, 10min}));
  EXPECT_EQ(c.prefix_cooldown, 30min);
  EXPECT_EQ(c.country_limit, (rate_limit{20000, 10min}));
  EXPECT_EQ(c.max_in_flight, 10'000U);
  EXPECT_FALSE(c.allow_insecure_callbacks);
  EXPECT_EQ(c.net_threads, 1U);
  EXPECT_EQ(c.workers, 0U);
  EXPECT_GE(c.worker_threads(), 1U);
  EXPECT_EQ(c.shards, 16U);
  EXPECT_EQ(c.log_level, severity::info);
  EXPECT_EQ(c.log_style, log_format::text);
  EXPECT_TRUE(c.code_secret.empty());
  EXPECT_EQ(describe_effective(default_config()), describe_effective(c));
}

TEST_F(config_test, the_key_table_follows_the_naming_rule) {
  for (const auto& key : config_keys()) {
    auto name = std::string{key.env};
    if (name.starts_with("VERITY_"))
      name.erase(0, 7);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (auto underscore = name.find('_'); underscore != std::string::npos)
      name[underscore] = '.';
    if (key.id == key_id::twilio_mode)
      name = "twilio.mode"; // "twilio" is the table of the TWILIO_* keys
    EXPECT_EQ(key.file_key, name);
    EXPECT_EQ(flag_name(key), "--" + name);
    EXPECT_EQ(&key_info(key.id), &key);
    EXPECT_EQ(find_file_key(key.file_key), &key);
    EXPECT_FALSE(key.description.empty()) << key.env;
  }
  EXPECT_EQ(config_keys().size(), 48U);
  EXPECT_EQ(key_info(key_id::public_url).env_alias, "API_BASE_URL");
  EXPECT_EQ(key_info(key_id::twilio_auth_token_previous).file_key, "twilio.auth_token_previous");
  EXPECT_EQ(find_file_key("delivery.timeot"), nullptr);
  std::vector<std::string_view> secrets;
  for (const auto& key : config_keys())
    if (key.secret)
      secrets.push_back(key.env);
  EXPECT_EQ(secrets, (std::vector<std::string_view>{"VERITY_API_KEYS", "TWILIO_AUTH_TOKEN",
                                                    "TWILIO_AUTH_TOKEN_PREVIOUS",
                                                    "VERITY_COMPAT_VERIFIED_HOOK_SECRET",
                                                    "VERITY_CODE_SECRET"}));
}

TEST_F(config_test, file_then_environment_then_flags_override) {
  write_file("code.ttl = \"20m\"\ndelivery.timeout = \"11s\"\nmax.checks = 7\nsync = false\n");
  env_["VERITY_DELIVERY_TIMEOUT"] = "12s";
  env_["VERITY_MAX_CHECKS"] = "8";
  flags_["max.checks"] = "9";
  auto c = loaded();
  EXPECT_EQ(c.code_ttl, 20min);
  EXPECT_EQ(c.delivery_timeout, 12s);
  EXPECT_EQ(c.max_checks, 9U);
  EXPECT_FALSE(c.sync);
  EXPECT_EQ(c.origins.at(key_id::code_ttl).kind, source_kind::file);
  EXPECT_EQ(c.origins.at(key_id::delivery_timeout).name, "VERITY_DELIVERY_TIMEOUT");
  EXPECT_EQ(c.origins.at(key_id::max_checks).name, "--max.checks");
  EXPECT_EQ(c.origins.at(key_id::code_length).kind, source_kind::default_value);
  auto described = describe_effective(c);
  EXPECT_TRUE(contains(described, "= 20m (file " + file_.string() + ")")) << described;
  EXPECT_TRUE(contains(described, "= 12s (environment VERITY_DELIVERY_TIMEOUT)")) << described;
  EXPECT_TRUE(contains(described, "= 9 (flag --max.checks)")) << described;
  EXPECT_TRUE(contains(described, "= 6 (default)")) << described;
}

TEST_F(config_test, the_egress_pace_per_sender_comes_from_file_environment_or_flag) {
  write_file("[twilio]\nmps = 500\n");
  EXPECT_EQ(loaded().twilio.messages_per_second, 500U);
  env_["VERITY_TWILIO_MPS"] = "20000";
  auto from_environment = loaded();
  EXPECT_EQ(from_environment.twilio.messages_per_second, 20'000U);
  EXPECT_TRUE(contains(describe_effective(from_environment),
                       "= 20000 (environment VERITY_TWILIO_MPS)"));
  flags_["twilio.mps"] = "1";
  EXPECT_EQ(loaded().twilio.messages_per_second, 1U);
}

TEST_F(config_test, the_egress_bounds_can_be_raised_for_a_load_test) {
  env_ = {{"VERITY_TWILIO_IN_FLIGHT", "2048"}, {"VERITY_TWILIO_QUEUE", "1000000"}};
  auto c = loaded();
  EXPECT_EQ(c.twilio.max_in_flight, 2048U);
  EXPECT_EQ(c.twilio.max_queued, 1'000'000U);
}

TEST_F(config_test, toml_tables_and_dotted_keys_are_the_same) {
  write_file("listen = \"[::1]:0\"\n[twilio]\napi_base = \"http://127.0.0.1:9/\"\n"
             "[api]\nkeys = [\"one\", \"two\"]\n[code]\nlength = 8\n");
  auto c = loaded();
  EXPECT_EQ(c.listen.host, "::1");
  EXPECT_EQ(c.listen.port, 0);
  EXPECT_EQ(c.public_url, "http://[::1]:0");
  EXPECT_EQ(c.twilio.api_base, "http://127.0.0.1:9");
  EXPECT_EQ(c.api_keys, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(c.code_length, 8U);
}

TEST_F(config_test, empty_environment_variables_count_as_unset) {
  write_file("code.length = 7\n");
  env_["VERITY_CODE_LENGTH"] = "";
  env_["TWILIO_ACCOUNT_SID"] = "";
  EXPECT_EQ(loaded().code_length, 7U);
  flags_["data.dir"] = "";
  EXPECT_TRUE(contains(problems(), "VERITY_DATA_DIR: value '' is invalid: expected"));
}

TEST_F(config_test, api_base_url_is_an_alias_of_the_public_url) {
  env_["API_BASE_URL"] = "https://seed.example.com/";
  auto c = loaded();
  EXPECT_EQ(c.public_url, "https://seed.example.com");
  EXPECT_EQ(c.origins.at(key_id::public_url).name, "API_BASE_URL");
  env_["VERITY_PUBLIC_URL"] = "https://verity.example.com";
  EXPECT_EQ(loaded().public_url, "https://verity.example.com");
  env_.erase("VERITY_PUBLIC_URL");
  env_["API_BASE_URL"] = "seed.example.com";
  EXPECT_TRUE(contains(problems(), "API_BASE_URL: value 'seed.example.com' is invalid: expected"));
}

TEST_F(config_test, unknown_toml_keys_are_named) {
  write_file("[delivery]\ntimeot = \"10s\"\n");
  auto text = problems();
  EXPECT_TRUE(contains(text, file_.string() + ":2:1: unknown key 'delivery.timeot'")) << text;
}

TEST_F(config_test, toml_syntax_errors_name_file_line_and_column) {
  write_file("listen = \"127.0.0.1:8080\"\ncode.length = \n");
  auto text = problems();
  EXPECT_TRUE(contains(text, file_.string() + ":2:")) << text;
  EXPECT_TRUE(contains(text, "invalid TOML")) << text;
}

TEST_F(config_test, toml_values_of_other_types_are_refused) {
  write_file("delivery.timeout = 1.5\n");
  auto text = problems();
  EXPECT_TRUE(contains(text, "VERITY_DELIVERY_TIMEOUT: value '1.5' is invalid: expected a string"))
    << text;
}

TEST_F(config_test, a_missing_file_is_reported) {
  file_ = dir_ / "absent.toml";
  EXPECT_TRUE(contains(problems(), "absent.toml: cannot read the configuration file"));
}

TEST_F(config_test, toml_text_can_stand_in_for_the_file) {
  config_sources sources;
  sources.file = "inline.toml";
  sources.file_text = "code.length = 9\nbogus = 1\ntwilio.mode = \"simulator\"\n";
  sources.env = [](std::string_view) { return std::optional<std::string>{}; };
  auto result = load_config(sources);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().problems,
            (std::vector<std::string>{"inline.toml:2:1: unknown key 'bogus' (verity --help lists "
                                      "every key)"}));
}

TEST_F(config_test, every_problem_is_reported_together) {
  write_file("nope = 1\n");
  env_["VERITY_CODE_LENGTH"] = "3";
  env_["VERITY_MAX_BODY"] = "2KB";
  flags_["log.level"] = "loud";
  flags_["no.such"] = "x";
  auto loaded = load();
  ASSERT_FALSE(loaded);
  const auto& lines = loaded.error().problems;
  ASSERT_EQ(lines.size(), 5U) << loaded.error().to_string();
  for (auto part : {"unknown key 'nope'", "VERITY_CODE_LENGTH: value '3' is invalid: expected",
                    "VERITY_MAX_BODY: value '2KB' is invalid: expected",
                    "VERITY_LOG_LEVEL: value 'loud' is invalid: expected", "--no.such"})
    EXPECT_EQ(std::count_if(lines.begin(), lines.end(),
                            [&](const std::string& line) { return contains(line, part); }),
              1)
      << part;
}

/// A value that must be refused, and how its error line shows it.
struct invalid_case {
  std::string env;
  std::string value;
  std::string shown; ///< "" when the value is shown as is.
};

TEST_F(config_test, each_invalid_value_is_named_with_its_expectation) {
  const std::vector<invalid_case> cases{
    {"VERITY_LISTEN", "8080", ""}, {"VERITY_LISTEN", ":8080", ""},
    {"VERITY_LISTEN", "::1:8080", ""}, {"VERITY_LISTEN", "[::1]", ""},
    {"VERITY_LISTEN", "localhost:65536", ""}, {"VERITY_LISTEN", "[]:80", ""},
    {"VERITY_ADMIN_LISTEN", "9090", ""}, {"VERITY_ADMIN_LISTEN", "[::1]", ""},
    {"VERITY_DRAIN", "35", ""}, {"VERITY_PRESTOP", "-1s", ""},
    {"VERITY_PUBLIC_URL", "ftp://x.example", ""}, {"VERITY_PUBLIC_URL", "x.example", ""},
    {"VERITY_PUBLIC_URL", "https://x.example/?a=1", ""},
    {"VERITY_PUBLIC_URL", "https://x.example/#top", ""},
    {"TWILIO_API_BASE", "api.twilio.com", ""}, {"TWILIO_API_BASE", "mailto:a@b.c", ""},
    {"TWILIO_MESSAGING_SERVICE_SID", "MG123", ""},
    {"TWILIO_MESSAGING_SERVICE_SID", "AC0123456789abcdef0123456789abcdef", ""},
    {"TWILIO_WHATSAPP_TEMPLATE_SID", "HX0123456789abcdef0123456789abcdeg", ""},
    {"TWILIO_PHONE_NUMBER", "4155552671", ""}, {"TWILIO_PHONE_NUMBER", "+1555", ""},
    {"TWILIO_WHATSAPP_NUMBER", "whatsapp:+12", ""},
    {"VERITY_DELIVERY_TIMEOUT", "0s", ""}, {"VERITY_DELIVERY_TIMEOUT", "10", ""},
    {"VERITY_CODE_TTL", "0m", ""}, {"VERITY_RETENTION", "36501d", ""},
    {"VERITY_HEADER_TIMEOUT", "0ms", ""}, {"VERITY_CODE_LENGTH", "3", ""},
    {"VERITY_CODE_LENGTH", "11", ""}, {"VERITY_CODE_LENGTH", "six", ""},
    {"VERITY_MAX_CHECKS", "0", ""}, {"VERITY_MAX_CHECKS", "101", ""},
    {"VERITY_SEND_LIMIT", "0/10m", ""}, {"VERITY_IP_LIMIT", "120/0m", ""},
    {"VERITY_PREFIX_LIMIT", "1000", ""}, {"VERITY_FALLBACK", "automatic", ""},
    {"VERITY_SYNC", "maybe", ""}, {"VERITY_ALLOW_INSECURE_CALLBACKS", "perhaps", ""},
    {"VERITY_MAX_BODY", "1023", ""}, {"VERITY_MAX_BODY", "65MiB", ""},
    {"VERITY_STORAGE_MEMORY", "15MiB", ""}, {"VERITY_STORAGE_MEMORY", "1025GiB", ""},
    {"VERITY_NET_THREADS", "0", ""}, {"VERITY_NET_THREADS", "65", ""},
    {"VERITY_WORKERS", "257", ""}, {"VERITY_WORKERS", "-1", ""},
    {"VERITY_SHARDS", "0", ""}, {"VERITY_SHARDS", "1025", ""},
    {"VERITY_LOG_LEVEL", "verbose", ""}, {"VERITY_LOG_FORMAT", "logfmt", ""},
    {"VERITY_BRAND", std::string(31, 'b'), ""}, {"VERITY_BRAND", "Acme\tBank", ""},
    {"VERITY_BRAND", "Acme\x7f", ""},
    {"VERITY_BRAND", "Acme\xc2\x85", ""}, {"VERITY_BRAND", "Acme\xff", ""},
    {"VERITY_TWILIO_MPS", "0", ""}, {"VERITY_TWILIO_MPS", "1000001", ""},
    {"VERITY_TWILIO_MPS", "2.5", ""},
    {"VERITY_TWILIO_IN_FLIGHT", "0", ""}, {"VERITY_TWILIO_IN_FLIGHT", "100001", ""},
    {"VERITY_TWILIO_QUEUE", "0", ""}, {"VERITY_TWILIO_QUEUE", "10000001", ""},
    {"VERITY_API_KEYS", "a,,b", "<redacted>"}, {"VERITY_API_KEYS", "a, ", "<redacted>"},
    {"VERITY_CODE_SECRET", "short-secret", "<redacted>"},
    {"VERITY_CORS_ORIGINS", "https://app.example.com/", ""},
    {"VERITY_CORS_ORIGINS", "https://app.example.com/signup", ""},
    {"VERITY_CORS_ORIGINS", "app.example.com", ""}, {"VERITY_CORS_ORIGINS", "*", ""},
    {"VERITY_CORS_ORIGINS", "ftp://files.example.com", ""},
    {"VERITY_CORS_ORIGINS", "https://a.example.com,,https://b.example.com", ""},
    {"VERITY_CORS_ORIGINS", "https://a.example.com?x=1", ""},
    {"VERITY_CORS_ORIGINS", "https://user@a.example.com", ""},
    {"VERITY_CORS_ORIGINS", "https://a.example.com:99999", ""}, {"VERITY_CORS_ORIGINS", "null", ""},
    {"VERITY_TRUSTED_PROXIES", "10.0.0.0/33", ""}, {"VERITY_TRUSTED_PROXIES", "10.0.0/8", ""},
    {"VERITY_TRUSTED_PROXIES", "proxy.internal", ""}, {"VERITY_TRUSTED_PROXIES", "::1/129", ""},
    {"VERITY_TRUSTED_PROXIES", "10.0.0.0/8,", ""}, {"VERITY_TRUSTED_PROXIES", "10.0.0.0/", ""},
    {"VERITY_TRUSTED_PROXIES", "10.0.0.0/-1", ""}, {"VERITY_TRUSTED_PROXIES", "1.2.3.4/8/8", ""},
  };
  for (const auto& [env, value, shown] : cases) {
    env_ = {{env, value}};
    auto text = problems();
    auto expected_start = env + ": value '" + (shown.empty() ? value : shown)
                          + "' is invalid: expected ";
    EXPECT_EQ(text.rfind(expected_start, 0), 0U) << env << "=" << value << " gave: " << text;
    EXPECT_EQ(text.find('\n'), std::string::npos) << text;
  }
}

TEST_F(config_test, the_brand_is_any_short_printable_text) {
  EXPECT_EQ(loaded().brand, "Verity") << "the default";
  for (const std::string& brand :
       std::vector<std::string>{"Acme Bank", "Caf\xc3\xa9 \xc3\x9c", std::string(30, 'b'), "X"}) {
    env_ = {{"VERITY_BRAND", brand}};
    EXPECT_EQ(loaded().brand, brand);
  }
}

TEST_F(config_test, valid_values_are_normalized) {
  env_ = {{"VERITY_LISTEN", "localhost:0"},
          {"VERITY_API_KEYS", " one , two "},
          {"TWILIO_WHATSAPP_NUMBER", "whatsapp:+1 415 555 2671"},
          {"TWILIO_MESSAGING_SERVICE_SID", "MG0123456789abcdef0123456789abcdef"},
          {"TWILIO_WHATSAPP_TEMPLATE_SID", "HX0123456789ABCDEF0123456789abcdef"},
          {"VERITY_FALLBACK", "AUTO"},
          {"VERITY_LOG_LEVEL", "Warn"},
          {"VERITY_LOG_FORMAT", "JSON"},
          {"VERITY_SYNC", "off"},
          {"VERITY_WORKERS", "3"},
          {"VERITY_CODE_SECRET", "0123456789abcdef"}};
  auto c = loaded();
  EXPECT_EQ(c.listen.to_string(), "localhost:0");
  EXPECT_EQ(c.api_keys, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(c.twilio.whatsapp_number, sender);
  EXPECT_EQ(c.fallback, fallback_policy::automatic);
  EXPECT_EQ(c.log_level, severity::warn);
  EXPECT_EQ(c.log_style, log_format::json);
  EXPECT_FALSE(c.sync);
  EXPECT_EQ(c.worker_threads(), 3U);
  EXPECT_EQ(c.code_secret, "0123456789abcdef");
}

TEST_F(config_test, the_admin_listener_is_off_unless_an_address_is_given) {
  EXPECT_FALSE(loaded().admin_listen);
  env_ = {{"VERITY_ADMIN_LISTEN", "[::1]:0"}};
  auto c = loaded();
  ASSERT_TRUE(c.admin_listen);
  EXPECT_EQ(c.admin_listen->to_string(), "[::1]:0");
  EXPECT_NE(describe_effective(c).find("= [::1]:0 (environment VERITY_ADMIN_LISTEN)"),
            std::string::npos)
    << describe_effective(c);
}

TEST_F(config_test, cors_origins_take_the_form_browsers_send) {
  env_ = {{"VERITY_CORS_ORIGINS",
           " HTTPS://App.Example.com:443 , http://127.0.0.1:5173,http://[::1]:80,http://x.test:8443"}};
  auto c = loaded();
  EXPECT_EQ(c.cors_origins,
            (std::vector<std::string>{"https://app.example.com", "http://127.0.0.1:5173",
                                      "http://[::1]", "http://x.test:8443"}));
  EXPECT_TRUE(default_config().cors_origins.empty());
  write_file("[cors]\norigins = [\"https://a.example.com\", \"https://b.example.com\"]\n");
  env_.clear();
  EXPECT_EQ(loaded().cors_origins,
            (std::vector<std::string>{"https://a.example.com", "https://b.example.com"}));
}

TEST_F(config_test, trusted_proxies_are_cidrs_and_bare_addresses) {
  env_ = {{"VERITY_TRUSTED_PROXIES", "10.1.2.3/8, 192.0.2.7 ,2001:DB8::1/32,::1,0.0.0.0/0"}};
  auto c = loaded();
  EXPECT_EQ(join_networks(c.trusted_proxies),
            "10.0.0.0/8,192.0.2.7/32,2001:db8::/32,::1/128,0.0.0.0/0");
  EXPECT_TRUE(default_config().trusted_proxies.empty());
  EXPECT_TRUE(contains(describe_effective(c), "VERITY_TRUSTED_PROXIES"));
  write_file("trusted.proxies = [\"127.0.0.1\"]\n");
  env_.clear();
  EXPECT_EQ(join_networks(loaded().trusted_proxies), "127.0.0.1/32");
}

TEST_F(config_test, the_verified_hook_needs_its_signing_secret) {
  constexpr const char* secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  env_ = {{"VERITY_COMPAT_VERIFIED_HOOK", "https://platform.example/hooks/verified/"},
          {"VERITY_COMPAT_VERIFIED_HOOK_SECRET", secret}};
  auto c = loaded();
  EXPECT_EQ(c.compat_verified_hook, "https://platform.example/hooks/verified/")
    << "the platform's URL is kept exactly as written";
  EXPECT_EQ(c.compat_verified_hook_secret, secret);
  EXPECT_FALSE(contains(describe_effective(c), secret)) << "the secret is redacted";
  EXPECT_TRUE(default_config().compat_verified_hook.empty());

  env_ = {{"VERITY_COMPAT_VERIFIED_HOOK", "https://platform.example/hook"}};
  EXPECT_TRUE(contains(problems(), "VERITY_COMPAT_VERIFIED_HOOK_SECRET: value '' is invalid: "
                                   "expected a whsec_ secret"));
  env_ = {{"VERITY_COMPAT_VERIFIED_HOOK_SECRET", secret}};
  EXPECT_TRUE(contains(problems(), "VERITY_COMPAT_VERIFIED_HOOK: value '' is invalid"));
  env_ = {{"VERITY_COMPAT_VERIFIED_HOOK", "ftp://platform.example/hook"},
          {"VERITY_COMPAT_VERIFIED_HOOK_SECRET", "not-a-whsec-secret"}};
  auto both = problems();
  EXPECT_TRUE(contains(both, "VERITY_COMPAT_VERIFIED_HOOK: value 'ftp://platform.example/hook'"));
  EXPECT_TRUE(contains(both, "VERITY_COMPAT_VERIFIED_HOOK_SECRET: value '<redacted>' is invalid: "
                             "expected whsec_"))
    << both;
}

TEST(ip_network_test, holds_the_addresses_of_its_family_under_its_prefix) {
  auto address = [](const char* text) { return boost::asio::ip::make_address(text); };
  auto v4 = ip_network::parse("10.0.0.0/8").value();
  EXPECT_TRUE(v4.contains(address("10.0.0.0")));
  EXPECT_TRUE(v4.contains(address("10.255.255.255")));
  EXPECT_FALSE(v4.contains(address("11.0.0.0")));
  EXPECT_FALSE(v4.contains(address("::a00:1")));
  EXPECT_TRUE(v4.contains(address("::ffff:10.1.2.3")));
  auto one = ip_network::parse("192.0.2.7").value();
  EXPECT_TRUE(one.contains(address("192.0.2.7")));
  EXPECT_FALSE(one.contains(address("192.0.2.8")));
  auto v6 = ip_network::parse("2001:db8::/32").value();
  EXPECT_TRUE(v6.contains(address("2001:db8:ffff::1")));
  EXPECT_FALSE(v6.contains(address("2001:db9::1")));
  EXPECT_FALSE(v6.contains(address("10.0.0.1")));
  EXPECT_TRUE(ip_network::parse("::/0").value().contains(address("::1")));
  EXPECT_FALSE(ip_network::parse("::/0").value().contains(address("127.0.0.1")));
  EXPECT_TRUE(ip_network::parse("0.0.0.0/0").value().contains(address("203.0.113.9")));
}

TEST_F(config_test, live_is_the_default_and_refuses_to_start_without_credentials) {
  EXPECT_EQ(key_info(key_id::twilio_mode).default_text, "live");
  simulated_ = false;
  auto text = problems();
  EXPECT_EQ(text, "VERITY_TWILIO: value 'live' is invalid: expected Twilio credentials for live "
                  "mode, missing TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, a sender "
                  "(TWILIO_PHONE_NUMBER, TWILIO_WHATSAPP_NUMBER or "
                  "TWILIO_MESSAGING_SERVICE_SID); set VERITY_TWILIO=simulator to run the "
                  "built-in Twilio simulator instead (it reaches no phone)")
    << "one line, naming what is missing and the way out";

  env_ = {{"TWILIO_AUTH_TOKEN", auth_token}, {"TWILIO_PHONE_NUMBER", sender}};
  text = problems();
  EXPECT_TRUE(contains(text, "missing TWILIO_ACCOUNT_SID;")) << text;
  EXPECT_FALSE(contains(text, auth_token)) << "secrets never appear in errors";
  env_ = {{"TWILIO_ACCOUNT_SID", account_sid}, {"TWILIO_WHATSAPP_NUMBER", sender}};
  EXPECT_TRUE(contains(problems(), "missing TWILIO_AUTH_TOKEN;"));
  env_ = {{"TWILIO_ACCOUNT_SID", "AC123"}, {"TWILIO_AUTH_TOKEN", auth_token}};
  EXPECT_EQ(problems(), "TWILIO_ACCOUNT_SID: value 'AC123' is invalid: expected AC followed by "
                        "32 hex digits")
    << "an invalid SID is reported as such, not as missing";
  env_ = {{"TWILIO_AUTH_TOKEN_PREVIOUS", auth_token}, {"VERITY_TWILIO", "simulator"}};
  EXPECT_EQ(problems().rfind("TWILIO_AUTH_TOKEN_PREVIOUS: value '<redacted>' is invalid", 0), 0U);
  env_ = {{"VERITY_TWILIO", "fake"}};
  EXPECT_EQ(problems(), "VERITY_TWILIO: value 'fake' is invalid: expected live or simulator");
}

TEST_F(config_test, the_simulator_mode_needs_no_credentials_and_ignores_them) {
  simulated_ = false;
  env_ = {{"VERITY_TWILIO", "Simulator"}};
  auto c = loaded();
  EXPECT_TRUE(c.uses_simulator());
  EXPECT_EQ(c.twilio.mode, twilio_mode::simulator);
  EXPECT_TRUE(contains(config_warnings(c).front(), "VERITY_TWILIO is simulator"))
    << config_warnings(c).front();
  use_twilio();
  env_["VERITY_TWILIO"] = "simulator";
  env_["VERITY_PUBLIC_URL"] = "http://verity.example.com";
  c = loaded();
  EXPECT_TRUE(c.uses_simulator()) << "the mode decides, not the credentials";
  EXPECT_TRUE(contains(config_warnings(c).front(), "credentials set are unused"));
  write_file("[twilio]\nmode = \"live\"\n");
  env_.erase("VERITY_TWILIO");
  EXPECT_FALSE(contains(problems(), "VERITY_TWILIO")) << "only the https rule is left";
  env_["VERITY_PUBLIC_URL"] = "https://verity.example.com";
  EXPECT_FALSE(loaded().uses_simulator()) << "twilio.mode in the file";
}

TEST_F(config_test, real_credentials_need_a_sender) {
  use_twilio();
  env_.erase("TWILIO_PHONE_NUMBER");
  EXPECT_TRUE(contains(problems(), "VERITY_TWILIO: value 'live' is invalid: expected Twilio "
                                   "credentials for live mode, missing a sender"));
  env_["TWILIO_MESSAGING_SERVICE_SID"] = "MG0123456789abcdef0123456789abcdef";
  auto c = loaded();
  EXPECT_FALSE(c.uses_simulator());
  EXPECT_EQ(c.twilio.account_sid, account_sid);
  EXPECT_EQ(c.twilio.auth_token, auth_token);
}

TEST_F(config_test, real_credentials_refuse_http_callbacks_unless_allowed) {
  use_twilio();
  EXPECT_EQ(loaded().public_url, "https://verity.example.com");
  env_["VERITY_PUBLIC_URL"] = "HTTP://verity.example.com";
  EXPECT_EQ(problems().rfind("VERITY_PUBLIC_URL: value 'HTTP://verity.example.com' is invalid: "
                             "expected an https URL", 0), 0U);
  env_.erase("VERITY_PUBLIC_URL");
  EXPECT_TRUE(contains(problems(), "VERITY_PUBLIC_URL: value 'http://127.0.0.1:8080' is invalid"))
    << "the derived default is checked too";
  flags_["allow.insecure_callbacks"] = "true";
  EXPECT_EQ(loaded().public_url, "http://127.0.0.1:8080");
  env_ = {{"VERITY_PUBLIC_URL", "http://verity.example.com"}};
  flags_.clear();
  simulated_ = true;
  EXPECT_TRUE(loaded().uses_simulator()) << "the simulator takes http";
}

TEST_F(config_test, the_demo_is_on_with_the_simulator_and_opt_in_with_twilio) {
  auto simulated = loaded();
  EXPECT_FALSE(simulated.demo) << "auto";
  EXPECT_TRUE(simulated.demo_enabled());
  env_["VERITY_DEMO"] = "false";
  EXPECT_FALSE(loaded().demo_enabled());
  env_.erase("VERITY_DEMO");
  use_twilio();
  EXPECT_FALSE(loaded().demo_enabled()) << "never by default with real Twilio";
  env_["VERITY_DEMO"] = "true";
  EXPECT_TRUE(loaded().demo_enabled());
  flags_["demo"] = "auto";
  EXPECT_FALSE(loaded().demo_enabled());
  env_["VERITY_DEMO"] = "sometimes";
  flags_.clear();
  EXPECT_EQ(problems(), "VERITY_DEMO: value 'sometimes' is invalid: expected auto, true or false");
}

TEST_F(config_test, delivery_timeout_must_fit_in_the_code_lifetime) {
  env_ = {{"VERITY_DELIVERY_TIMEOUT", "16m"}};
  EXPECT_EQ(problems(), "VERITY_DELIVERY_TIMEOUT: value '16m' is invalid: expected at most "
                        "VERITY_CODE_TTL (15m)");
  env_ = {{"VERITY_DELIVERY_TIMEOUT", "15m"}};
  EXPECT_EQ(loaded().delivery_timeout, 15min);
  env_ = {{"VERITY_DELIVERY_TIMEOUT", "16m"}, {"VERITY_CODE_TTL", "never"}};
  EXPECT_EQ(problems().find("VERITY_DELIVERY_TIMEOUT"), std::string::npos)
    << "no rule runs over a value that did not parse";
}

} // namespace
} // namespace verity::test
