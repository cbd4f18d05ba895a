#include "engine/keyed_hmac.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

namespace verity {

namespace {

/// OpenSSL's name of `digest`.
const char* digest_name(hmac_digest digest) {
  return digest == hmac_digest::sha1 ? "SHA1" : "SHA256";
}

/// Frees an OpenSSL MAC context.
struct mac_ctx_deleter {
  void operator()(EVP_MAC_CTX* ctx) const noexcept { EVP_MAC_CTX_free(ctx); }
};

} // namespace

struct keyed_hmac::impl {
  hmac_digest digest;
  std::vector<std::uint8_t> key;
  std::unique_ptr<EVP_MAC_CTX, mac_ctx_deleter> ctx;
};

keyed_hmac::keyed_hmac(hmac_digest digest, std::span<const std::uint8_t> key)
  : impl_(std::make_unique<impl>(impl{digest, {key.begin(), key.end()}, nullptr})) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac != nullptr)
    impl_->ctx.reset(EVP_MAC_CTX_new(mac));
  EVP_MAC_free(mac); // the context holds its own reference
  std::array<OSSL_PARAM, 2> params{
    OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                     const_cast<char*>(digest_name(digest)), 0),
    OSSL_PARAM_construct_end()};
  // OpenSSL reads a null key as "no key": give an empty key a valid address.
  static constexpr std::uint8_t no_key = 0;
  const std::uint8_t* bytes = key.empty() ? &no_key : key.data();
  if (!impl_->ctx || EVP_MAC_init(impl_->ctx.get(), bytes, key.size(), params.data()) != 1)
    throw std::runtime_error("OpenSSL cannot set up an HMAC key");
}

keyed_hmac::~keyed_hmac() = default;

std::vector<std::uint8_t> keyed_hmac::compute(std::string_view data) {
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac{};
  std::size_t size = 0;
  auto* ctx = impl_->ctx.get();
  // A null key starts a new MAC with the key already set up.
  if (EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1
      || EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size())
           != 1
      || EVP_MAC_final(ctx, mac.data(), &size, mac.size()) != 1)
    return {};
  return {mac.begin(), mac.begin() + static_cast<std::ptrdiff_t>(size)};
}

bool keyed_hmac::has(hmac_digest digest, std::span<const std::uint8_t> key) const {
  return impl_->digest == digest && std::equal(key.begin(), key.end(), impl_->key.begin(),
                                               impl_->key.end());
}

keyed_hmac& thread_hmac(hmac_digest digest, std::span<const std::uint8_t> key) {
  thread_local std::array<std::unique_ptr<keyed_hmac>, 2> contexts;
  auto& context = contexts[static_cast<std::size_t>(digest)];
  if (!context || !context->has(digest, key))
    context = std::make_unique<keyed_hmac>(digest, key);
  return *context;
}

} // namespace verity
