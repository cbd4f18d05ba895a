#pragma once

#include <string>
#include <string_view>

#include "engine/form.hpp"

namespace verity::net {

/// Signs the simulator's status callbacks with X-Twilio-Signature, as
/// `compute_twilio_signature` does (engine/twilio_signature.hpp) but cheaply: each thread keeps
/// one OpenSSL HMAC context keyed with the token and re-initialises it per signature, instead of
/// fetching the algorithm and allocating a context on every call. Thread-safe.
class sim_signer {
public:
  explicit sim_signer(std::string auth_token);

  /// base64(HMAC-SHA1(token, url + name+value... with names sorted)). Throws std::runtime_error
  /// only if OpenSSL fails (out of memory).
  std::string sign(std::string_view url, const form_params& params) const;

private:
  std::string token_;
};

} // namespace verity::net
