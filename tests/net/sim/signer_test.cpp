#include "net/sim/signer.hpp"

#include <future>
#include <vector>

#include <gtest/gtest.h>

#include "engine/twilio_signature.hpp"

namespace verity::net {
namespace {

constexpr const char* url = "https://verity.example.com/v1/webhooks/twilio/status?message_id=M1";

form_params callback_params(const std::string& status) {
  return {{"MessageSid", "SM0123456789abcdef0123456789abcdef"}, {"To", "whatsapp:+12015550123"},
          {"MessageStatus", status}, {"SmsStatus", status}, {"ApiVersion", "2010-04-01"},
          {"AccountSid", "AC0123456789abcdef0123456789abcdef"}};
}

TEST(sim_signer, signs_exactly_as_twilio_does) {
  sim_signer signer{"sim-token"};
  for (const char* status : {"sent", "delivered", "read"}) {
    auto params = callback_params(status);
    EXPECT_EQ(signer.sign(url, params), compute_twilio_signature("sim-token", url, params));
  }
  form_params repeated{{"b", "2"}, {"a", "1"}, {"b", "1"}, {"b", "2"}};
  EXPECT_EQ(signer.sign(url, repeated), compute_twilio_signature("sim-token", url, repeated));
  EXPECT_EQ(signer.sign(url, {}), compute_twilio_signature("sim-token", url, {}));
}

TEST(sim_signer, keeps_each_signers_token_apart_on_one_thread) {
  sim_signer first{"first-token"};
  sim_signer second{"second-token"};
  sim_signer empty{""};
  auto params = callback_params("sent");
  EXPECT_EQ(first.sign(url, params), compute_twilio_signature("first-token", url, params));
  EXPECT_EQ(second.sign(url, params), compute_twilio_signature("second-token", url, params));
  EXPECT_EQ(empty.sign(url, params), compute_twilio_signature("", url, params));
  EXPECT_EQ(first.sign(url, params), compute_twilio_signature("first-token", url, params));
}

TEST(sim_signer, signs_correctly_from_many_threads_at_once) {
  sim_signer signer{"sim-token"};
  auto params = callback_params("delivered");
  auto expected = compute_twilio_signature("sim-token", url, params);
  std::vector<std::future<int>> workers;
  for (int t = 0; t < 4; ++t)
    workers.push_back(std::async(std::launch::async, [&] {
      int wrong = 0;
      for (int i = 0; i < 500; ++i)
        wrong += signer.sign(url, params) == expected ? 0 : 1;
      return wrong;
    }));
  for (auto& worker : workers)
    EXPECT_EQ(worker.get(), 0);
}

} // namespace
} // namespace verity::net
