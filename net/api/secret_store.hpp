#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace verity::net {

/// The secrets an operator rotates while Verity runs (SIGHUP reloads them; SECURITY.md says
/// how): the API keys and the Twilio auth tokens callbacks may be signed with.
struct rotating_secrets {
  std::vector<std::string> api_keys;  ///< VERITY_API_KEYS; empty: /v1 refuses every request.
  std::string twilio_auth_token;      ///< TWILIO_AUTH_TOKEN (or the simulator's).
  std::string twilio_auth_token_previous; ///< TWILIO_AUTH_TOKEN_PREVIOUS, while rotating.

  /// The tokens a callback signature is checked against: current, then previous.
  std::vector<std::string> callback_tokens() const;
};

/// The rotating secrets `settings` configures.
rotating_secrets rotating_secrets_of(const config& settings);

/// Holds the current secrets for every thread: readers take an immutable snapshot (one atomic
/// load, no lock held while they use it), a reload swaps in a new one. Requests already
/// holding a snapshot finish with it.
class secret_store {
public:
  explicit secret_store(rotating_secrets initial);

  /// The secrets now in force.
  std::shared_ptr<const rotating_secrets> current() const;

  /// Puts `next` in force for every request that starts from now on.
  void replace(rotating_secrets next);

private:
  std::atomic<std::shared_ptr<const rotating_secrets>> current_;
};

} // namespace verity::net
