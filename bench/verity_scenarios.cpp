#include "bench/verity_scenarios.hpp"

#include <array>
#include <stdexcept>

#include <fmt/format.h>

#include "engine/form.hpp"
#include "engine/phone.hpp"
#include "engine/twilio_signature.hpp"

namespace verity::bench {

namespace {

/// The statuses a callback run sends each message, one round after the other.
constexpr std::array<const char*, 2> callback_rounds = {"delivered", "read"};

/// A JSON POST.
load_request json_post(std::string target, std::string body,
                       std::vector<std::pair<std::string, std::string>> headers = {}) {
  headers.emplace_back("Content-Type", "application/json");
  return {"POST", std::move(target), std::move(headers), std::move(body)};
}

class v1_sends final : public scenario {
public:
  v1_sends(std::string api_key, std::uint64_t first, phone_fate fate, std::string channel)
    : bearer_("Bearer " + std::move(api_key)), first_(first), fate_(fate),
      channel_(std::move(channel)) {}

  load_request request(std::uint64_t sequence) const override {
    auto body = fmt::format(R"({{"to": "{}", "channel": "{}"}})",
                            bench_phone(first_ + sequence, fate_), channel_);
    return json_post("/v1/verifications", std::move(body), {{"Authorization", bearer_}});
  }

private:
  std::string bearer_;
  std::uint64_t first_;
  phone_fate fate_;
  std::string channel_;
};

class compat_send_route final : public scenario {
public:
  compat_send_route(std::uint64_t first, phone_fate fate, std::string method)
    : first_(first), fate_(fate), method_(std::move(method)) {}

  load_request request(std::uint64_t sequence) const override {
    auto body = fmt::format(R"({{"phone": "{}", "method": "{}"}})",
                            bench_phone(first_ + sequence, fate_), method_);
    return json_post("/api/referrals/send-verification", std::move(body));
  }

private:
  std::uint64_t first_;
  phone_fate fate_;
  std::string method_;
};

/// GETs of `prefix` + a created verification's id (or Twilio SID, for the compat route).
class resource_reads final : public scenario {
public:
  resource_reads(const std::vector<created_verification>& created, const std::string& prefix,
                 bool by_twilio_sid, std::vector<std::pair<std::string, std::string>> headers)
    : headers_(std::move(headers)) {
    for (const auto& verification : created)
      targets_.push_back(prefix + (by_twilio_sid ? verification.twilio_sid : verification.id));
    if (targets_.empty())
      throw std::invalid_argument("status reads need at least one created verification");
  }

  load_request request(std::uint64_t sequence) const override {
    return {"GET", targets_[sequence % targets_.size()], headers_, {}};
  }

private:
  std::vector<std::pair<std::string, std::string>> headers_;
  std::vector<std::string> targets_;
};

/// One signed callback, ready to send.
struct signed_callback {
  std::string target;
  std::string signature;
  std::string body;
};

/// The path a callback for `message` goes to on `route`.
std::string callback_target(const created_verification& message, callback_route route) {
  if (route == callback_route::compat)
    return "/api/referrals/sms-status-callback";
  return "/v1/webhooks/twilio/status?message_id=" + message.message_id;
}

/// The signed callback that reports `status` for `message`, as the simulator would send it.
signed_callback sign_callback(const created_verification& message, callback_route route,
                              const char* status, const std::string& auth_token,
                              const std::string& public_url, const std::string& account_sid,
                              const std::string& from) {
  form_params params{{"MessageSid", message.twilio_sid}, {"SmsSid", message.twilio_sid},
                     {"AccountSid", account_sid},        {"From", to_whatsapp_address(from)},
                     {"To", to_whatsapp_address(message.phone)},
                     {"ApiVersion", "2010-04-01"},       {"MessageStatus", status},
                     {"SmsStatus", status},              {"ChannelPrefix", "whatsapp"}};
  auto target = callback_target(message, route);
  auto signature = compute_twilio_signature(auth_token, public_url + target, params);
  return {std::move(target), std::move(signature), encode_form(params)};
}

class signed_callbacks final : public scenario {
public:
  signed_callbacks(const std::vector<created_verification>& created, callback_route route,
                   const std::string& token, const std::string& public_url,
                   const std::string& account_sid, const std::string& from) {
    if (created.empty())
      throw std::invalid_argument("callbacks need at least one created verification");
    for (const auto* status : callback_rounds)
      for (const auto& message : created)
        rounds_.push_back(
          sign_callback(message, route, status, token, public_url, account_sid, from));
    per_round_ = created.size();
  }

  load_request request(std::uint64_t sequence) const override {
    auto index = sequence < rounds_.size() ? sequence
                                           : rounds_.size() - per_round_ + sequence % per_round_;
    const auto& callback = rounds_[index];
    return {"POST",
            callback.target,
            {{"Content-Type", "application/x-www-form-urlencoded"},
             {"X-Twilio-Signature", callback.signature}},
            callback.body};
  }

private:
  std::vector<signed_callback> rounds_; ///< Round after round, `per_round_` callbacks each.
  std::size_t per_round_ = 0;
};

class plain_route final : public scenario {
public:
  explicit plain_route(std::string path) : path_(std::move(path)) {}

  load_request request(std::uint64_t) const override { return {"GET", path_, {}, {}}; }

private:
  std::string path_;
};

} // namespace

std::unique_ptr<scenario> send_verifications(std::string api_key, std::uint64_t first,
                                             phone_fate fate, std::string channel) {
  return std::make_unique<v1_sends>(std::move(api_key), first, fate, std::move(channel));
}

std::unique_ptr<scenario> compat_sends(std::uint64_t first, phone_fate fate, std::string method) {
  return std::make_unique<compat_send_route>(first, fate, std::move(method));
}

std::unique_ptr<scenario> status_reads(std::string api_key,
                                       const std::vector<created_verification>& created) {
  return std::make_unique<resource_reads>(created, "/v1/verifications/", false,
                                          std::vector<std::pair<std::string, std::string>>{
                                            {"Authorization", "Bearer " + std::move(api_key)}});
}

std::unique_ptr<scenario> compat_status_reads(const std::vector<created_verification>& created) {
  return std::make_unique<resource_reads>(created, "/api/referrals/delivery-status/", true,
                                          std::vector<std::pair<std::string, std::string>>{});
}

std::unique_ptr<scenario> status_callbacks(const std::vector<created_verification>& created,
                                           callback_route route, const std::string& auth_token,
                                           const std::string& public_url,
                                           const std::string& account_sid,
                                           const std::string& from) {
  return std::make_unique<signed_callbacks>(created, route, auth_token, public_url, account_sid,
                                            from);
}

std::unique_ptr<scenario> plain_gets(std::string path) {
  return std::make_unique<plain_route>(std::move(path));
}

} // namespace verity::bench
