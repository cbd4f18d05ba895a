#include "engine/routing.hpp"

#include <array>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace verity {

std::uint32_t phone_routing_key(std::span<const std::uint8_t> secret, std::string_view e164) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  static constexpr unsigned char empty_key = 0;
  const unsigned char* key = secret.empty() ? &empty_key : secret.data();
  if (HMAC(EVP_sha256(), key, static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(e164.data()), e164.size(), digest.data(), &size)
      == nullptr)
    throw std::runtime_error("HMAC-SHA256 failed while routing a phone");
  return std::uint32_t{digest[0]} << 24 | std::uint32_t{digest[1]} << 16
         | std::uint32_t{digest[2]} << 8 | std::uint32_t{digest[3]};
}

} // namespace verity
