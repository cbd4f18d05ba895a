#include "net/sim_inbox.hpp"

#include <gtest/gtest.h>

namespace verity::net {
namespace {

using namespace std::chrono_literals;

TEST(sim_inbox, keeps_delivered_messages_by_sid_until_they_expire) {
  sim_inbox inbox{2, 1min};
  auto now = sim_inbox::clock::now();
  inbox.deliver("SM1", {true, "Your verification code is 123456."}, now);
  auto found = inbox.find("SM1", now + 59s);
  ASSERT_TRUE(found);
  EXPECT_TRUE(found->whatsapp);
  EXPECT_EQ(found->text, "Your verification code is 123456.");
  EXPECT_FALSE(inbox.find("SM2", now));
  EXPECT_FALSE(inbox.find("SM1", now + 1min));
}

TEST(sim_inbox, holds_at_most_its_capacity) {
  sim_inbox inbox{2, 1min};
  auto now = sim_inbox::clock::now();
  inbox.deliver("SM1", {false, "one"}, now);
  inbox.deliver("SM2", {false, "two"}, now);
  inbox.deliver("SM3", {false, "three"}, now);
  EXPECT_FALSE(inbox.find("SM1", now)) << "the oldest is dropped";
  EXPECT_TRUE(inbox.find("SM3", now));
}

TEST(sim_inbox, renders_the_otp_template_with_its_variable) {
  EXPECT_EQ(render_otp_template(R"({"1": "987654"})"), "Your verification code is 987654.");
  EXPECT_EQ(render_otp_template(R"({"2": "987654"})"), "");
  EXPECT_EQ(render_otp_template("not json"), "");
  EXPECT_EQ(render_otp_template(R"({"1": 5})"), "");
}

} // namespace
} // namespace verity::net
