#include "config/config_keys.hpp"

#include <algorithm>
#include <array>

namespace verity {
namespace {

// clang-format off
/// The table. Entries stay in `key_id` order: key_info() indexes it by id.
constexpr std::array<config_key, key_count> keys{{
  {key_id::listen, "VERITY_LISTEN", "listen", "127.0.0.1:8080",
   "HTTP listen address host:port (IPv6 as [::1]:8080; port 0 = any free port)", false, ""},
  {key_id::admin_listen, "VERITY_ADMIN_LISTEN", "admin.listen", "",
   "admin listen address host:port serving /metrics, /healthz and /readyz (/metrics then leaves "
   "VERITY_LISTEN; unset: no admin listener)", false, ""},
  {key_id::data_dir, "VERITY_DATA_DIR", "data.dir", "./data",
   "RocksDB directory", false, ""},
  {key_id::public_url, "VERITY_PUBLIC_URL", "public.url", "http://<listen>",
   "public base URL Twilio calls back; signatures are checked against it", false,
   "API_BASE_URL"},
  {key_id::api_keys, "VERITY_API_KEYS", "api.keys", "",
   "comma-separated API keys for /v1 (none: /v1 refuses every request)", true, ""},
  {key_id::twilio_mode, "VERITY_TWILIO", "twilio.mode", "live",
   "live (real Twilio: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and a sender required) or "
   "simulator (the built-in Twilio simulator, which reaches no phone)", false, ""},
  {key_id::twilio_account_sid, "TWILIO_ACCOUNT_SID", "twilio.account_sid", "",
   "Twilio account SID (AC...), required with VERITY_TWILIO=live", false, ""},
  {key_id::twilio_auth_token, "TWILIO_AUTH_TOKEN", "twilio.auth_token", "",
   "Twilio auth token", true, ""},
  {key_id::twilio_auth_token_previous, "TWILIO_AUTH_TOKEN_PREVIOUS",
   "twilio.auth_token_previous", "",
   "previous auth token, still accepted for signatures during a rotation", true, ""},
  {key_id::twilio_phone_number, "TWILIO_PHONE_NUMBER", "twilio.phone_number", "",
   "SMS sender (E.164)", false, ""},
  {key_id::twilio_whatsapp_number, "TWILIO_WHATSAPP_NUMBER", "twilio.whatsapp_number", "",
   "WhatsApp sender (E.164)", false, ""},
  {key_id::twilio_messaging_service_sid, "TWILIO_MESSAGING_SERVICE_SID",
   "twilio.messaging_service_sid", "",
   "Messaging Service SID (MG...) to send through instead of a From number", false, ""},
  {key_id::twilio_whatsapp_template_sid, "TWILIO_WHATSAPP_TEMPLATE_SID",
   "twilio.whatsapp_template_sid", "",
   "ContentSid (HX...) of the OTP template used outside the 24-hour window", false, ""},
  {key_id::twilio_api_base, "TWILIO_API_BASE", "twilio.api_base", "https://api.twilio.com",
   "Twilio API base URL", false, ""},
  {key_id::twilio_mps, "VERITY_TWILIO_MPS", "twilio.mps", "80",
   "messages per second each sender may start (WhatsApp's per-sender limit; the sandbox sender "
   "always 1 per 3 s), 1 to 1000000", false, ""},
  {key_id::twilio_in_flight, "VERITY_TWILIO_IN_FLIGHT", "twilio.in_flight", "64",
   "Twilio create requests on the wire at once, all senders together (1 to 100000)", false, ""},
  {key_id::twilio_queue, "VERITY_TWILIO_QUEUE", "twilio.queue", "10000",
   "messages waiting for their sender's pace or a free request; more are refused (1 to "
   "10000000)", false, ""},
  {key_id::delivery_timeout, "VERITY_DELIVERY_TIMEOUT", "delivery.timeout", "10s",
   "deadline for a delivery confirmation (at most the code TTL)", false, ""},
  {key_id::code_ttl, "VERITY_CODE_TTL", "code.ttl", "15m",
   "code lifetime", false, ""},
  {key_id::code_length, "VERITY_CODE_LENGTH", "code.length", "6",
   "digits per code (4 to 10)", false, ""},
  {key_id::max_checks, "VERITY_MAX_CHECKS", "max.checks", "5",
   "wrong checks before max_attempts_reached (1 to 100)", false, ""},
  {key_id::send_limit, "VERITY_SEND_LIMIT", "send.limit", "5/10m",
   "sends per phone per window", false, ""},
  {key_id::fallback, "VERITY_FALLBACK", "fallback", "manual",
   "what happens when WhatsApp fails: manual, auto or none", false, ""},
  {key_id::brand, "VERITY_BRAND", "brand", "Verity",
   "the service named in every code message (1 to 30 printable characters)", false, ""},
  {key_id::sync, "VERITY_SYNC", "sync", "true",
   "fsync each group commit", false, ""},
  {key_id::retention, "VERITY_RETENTION", "retention", "90d",
   "how long records and history are kept", false, ""},
  {key_id::storage_memory, "VERITY_STORAGE_MEMORY", "storage.memory", "128MiB",
   "RocksDB memory: one block cache that memtables are charged to, half of it at most for "
   "memtables (16MiB to 1024GiB)", false, ""},
  {key_id::max_body, "VERITY_MAX_BODY", "max.body", "64KiB",
   "largest request body (1KiB to 64MiB)", false, ""},
  {key_id::header_timeout, "VERITY_HEADER_TIMEOUT", "header.timeout", "10s",
   "time to receive a complete request head", false, ""},
  {key_id::drain, "VERITY_DRAIN", "drain", "35s",
   "at shutdown, how long open connections may finish their requests (above the 30 s long "
   "poll)", false, ""},
  {key_id::prestop, "VERITY_PRESTOP", "prestop", "0s",
   "at shutdown, how long /readyz answers 503 while every request is still served, before "
   "the listeners close (time for a load balancer to take the node out)", false, ""},
  {key_id::ip_limit, "VERITY_IP_LIMIT", "ip.limit", "120/1m",
   "requests per client IP per window on the public compatibility routes", false, ""},
  {key_id::prefix_limit, "VERITY_PREFIX_LIMIT", "prefix.limit", "1000/10m",
   "sends per number prefix (country code + 3 digits) per window, against SMS pumping", false,
   ""},
  {key_id::prefix_cooldown, "VERITY_PREFIX_COOLDOWN", "prefix.cooldown", "30m",
   "how long every send to a prefix is refused once it went over its limit (circuit breaker)",
   false, ""},
  {key_id::country_limit, "VERITY_COUNTRY_LIMIT", "country.limit", "20000/10m",
   "sends per country calling code per window, against SMS pumping", false, ""},
  {key_id::cors_origins, "VERITY_CORS_ORIGINS", "cors.origins", "",
   "comma-separated exact origins (scheme://host[:port]) whose browser pages may call the "
   "compatibility and demo routes (none: no CORS)", false, ""},
  {key_id::trusted_proxies, "VERITY_TRUSTED_PROXIES", "trusted.proxies", "",
   "comma-separated CIDRs of proxies whose X-Forwarded-For/Forwarded names the client (none: "
   "the socket address is the client)", false, ""},
  {key_id::max_in_flight, "VERITY_MAX_IN_FLIGHT", "max.in_flight", "10000",
   "API requests waiting on the engine at once; more are shed with 503 overloaded (1 to "
   "1000000)", false, ""},
  {key_id::allow_insecure_callbacks, "VERITY_ALLOW_INSECURE_CALLBACKS",
   "allow.insecure_callbacks", "false",
   "allow an http:// public URL while real Twilio credentials are set", false, ""},
  {key_id::compat_verified_hook, "VERITY_COMPAT_VERIFIED_HOOK", "compat.verified_hook", "",
   "platform URL called after a compatibility verify-code succeeds; its JSON answer is merged "
   "into the verify answer (unset: no call)", false, ""},
  {key_id::compat_verified_hook_secret, "VERITY_COMPAT_VERIFIED_HOOK_SECRET",
   "compat.verified_hook_secret", "",
   "whsec_ secret signing the verified hook's calls (Standard Webhooks)", true, ""},
  {key_id::demo, "VERITY_DEMO", "demo", "auto",
   "serve the verification demo page at /demo/: true, false or auto (on only with the built-in "
   "Twilio simulator)", false, ""},
  {key_id::net_threads, "VERITY_NET_THREADS", "net.threads", "1",
   "HTTP and egress I/O threads (1 to 64)", false, ""},
  {key_id::workers, "VERITY_WORKERS", "workers", "0",
   "actor scheduler worker threads (0 = one per hardware thread; at most 256)", false, ""},
  {key_id::shards, "VERITY_SHARDS", "shards", "16",
   "phone-directory shards (1 to 1024)", false, ""},
  {key_id::log_level, "VERITY_LOG_LEVEL", "log.level", "info",
   "least severe log level written: trace, debug, info, warn, error or off", false, ""},
  {key_id::log_format, "VERITY_LOG_FORMAT", "log.format", "text",
   "log line format: text, or json (one JSON object per line: ts, level, logger, thread, msg)",
   false, ""},
  {key_id::code_secret, "VERITY_CODE_SECRET", "code.secret", "",
   "secret for code HMACs, at least 16 characters (unset: generated and kept in the data "
   "directory)", true, ""},
}};
// clang-format on

} // namespace

std::span<const config_key> config_keys() {
  return keys;
}

const config_key& key_info(key_id id) {
  return keys[static_cast<std::size_t>(id)];
}

const config_key* find_file_key(std::string_view file_key) {
  auto found = std::find_if(keys.begin(), keys.end(),
                            [&](const config_key& key) { return key.file_key == file_key; });
  return found == keys.end() ? nullptr : &*found;
}

std::string flag_name(const config_key& key) {
  return "--" + std::string{key.file_key};
}

} // namespace verity
