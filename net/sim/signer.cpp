#include "net/sim/signer.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <span>
#include <stdexcept>
#include <vector>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

namespace verity::net {

namespace {

/// Param pairs Twilio signs at most without falling back to the heap (callbacks have ~15).
constexpr std::size_t inline_params = 24;

struct mac_deleter {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};

/// This thread's HMAC-SHA1 context and the token it is keyed with.
struct thread_mac {
  std::unique_ptr<EVP_MAC_CTX, mac_deleter> ctx;
  std::string key;
};

[[noreturn]] void fail() {
  throw std::runtime_error("HMAC-SHA1 failure while signing a simulator callback");
}

/// This thread's context, ready to MAC a new message under `token`.
EVP_MAC_CTX* context_for(const std::string& token) {
  thread_local thread_mac mine;
  if (!mine.ctx || mine.key != token) {
    auto* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    mine.ctx.reset(mac ? EVP_MAC_CTX_new(mac) : nullptr);
    EVP_MAC_free(mac);
    std::array<char, 5> digest{"SHA1"};
    std::array<OSSL_PARAM, 2> settings{
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest.data(), 0),
      OSSL_PARAM_construct_end()};
    static constexpr unsigned char no_key = 0; // an empty key still needs an address
    const auto* key = token.empty() ? &no_key : reinterpret_cast<const unsigned char*>(token.data());
    if (!mine.ctx || EVP_MAC_init(mine.ctx.get(), key, token.size(), settings.data()) != 1)
      fail();
    mine.key = token;
    return mine.ctx.get();
  }
  if (EVP_MAC_init(mine.ctx.get(), nullptr, 0, nullptr) != 1) // same key, fresh message
    fail();
  return mine.ctx.get();
}

void update(EVP_MAC_CTX* ctx, std::string_view text) {
  if (EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(text.data()), text.size()) != 1)
    fail();
}

} // namespace

sim_signer::sim_signer(std::string auth_token) : token_(std::move(auth_token)) {}

std::string sim_signer::sign(std::string_view url, const form_params& params) const {
  using pair = const std::pair<std::string, std::string>*;
  std::array<pair, inline_params> inline_sorted{};
  std::vector<pair> heap_sorted;
  std::span<pair> sorted{inline_sorted.data(), params.size()};
  if (params.size() > inline_params) {
    heap_sorted.resize(params.size());
    sorted = heap_sorted;
  }
  std::transform(params.begin(), params.end(), sorted.begin(), [](const auto& p) { return &p; });
  std::sort(sorted.begin(), sorted.end(), [](pair a, pair b) { return *a < *b; });
  auto* ctx = context_for(token_);
  update(ctx, url);
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0 && *sorted[i] == *sorted[i - 1])
      continue; // a repeated name=value pair counts once
    update(ctx, sorted[i]->first);
    update(ctx, sorted[i]->second);
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  std::size_t mac_size = 0;
  if (EVP_MAC_final(ctx, mac.data(), &mac_size, mac.size()) != 1)
    fail();
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> text{};
  auto size = EVP_EncodeBlock(text.data(), mac.data(), static_cast<int>(mac_size));
  return std::string(reinterpret_cast<const char*>(text.data()), static_cast<std::size_t>(size));
}

} // namespace verity::net
