#include "net/api/secret_store.hpp"

namespace verity::net {

std::vector<std::string> rotating_secrets::callback_tokens() const {
  return {twilio_auth_token, twilio_auth_token_previous};
}

rotating_secrets rotating_secrets_of(const config& settings) {
  return {settings.api_keys, settings.twilio.auth_token, settings.twilio.auth_token_previous};
}

secret_store::secret_store(rotating_secrets initial)
  : current_(std::make_shared<const rotating_secrets>(std::move(initial))) {
}

std::shared_ptr<const rotating_secrets> secret_store::current() const {
  return current_.load(std::memory_order_acquire);
}

void secret_store::replace(rotating_secrets next) {
  current_.store(std::make_shared<const rotating_secrets>(std::move(next)),
                 std::memory_order_release);
}

} // namespace verity::net
