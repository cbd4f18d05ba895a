#include "net/sim/inbox.hpp"

#include <gtest/gtest.h>

namespace verity::net {
namespace {

using namespace std::chrono_literals;

TEST(sim_inbox, keeps_delivered_messages_by_sid_until_they_expire) {
  sim_inbox inbox{2, 1min};
  auto now = sim_inbox::clock::now();
  inbox.deliver("SM1", "+12015550100", {true, "Your verification code is 123456."}, now);
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
  inbox.deliver("SM1", "+12015550101", {false, "one"}, now);
  inbox.deliver("SM2", "+12015550102", {false, "two"}, now);
  inbox.deliver("SM3", "+12015550103", {false, "three"}, now);
  EXPECT_FALSE(inbox.find("SM1", now)) << "the oldest is dropped";
  EXPECT_TRUE(inbox.find("SM3", now));
}

TEST(sim_inbox, knows_each_numbers_latest_message_while_it_is_kept) {
  sim_inbox inbox{2, 1min};
  auto now = sim_inbox::clock::now();
  EXPECT_FALSE(inbox.latest("+12015550100", now));
  inbox.deliver("SM1", "+12015550100", {false, "one"}, now);
  inbox.deliver("SM2", "+12015550100", {true, "two"}, now + 1s);
  inbox.deliver("SM3", "+12015550199", {false, "three"}, now + 2s);
  auto latest = inbox.latest("+12015550100", now + 2s);
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->text, "two");
  EXPECT_TRUE(latest->whatsapp);
  EXPECT_FALSE(inbox.latest("+12015550100", now + 61s)) << "expired with its message";
  inbox.deliver("SM4", "+12015550198", {false, "four"}, now + 3s);
  inbox.deliver("SM5", "+12015550197", {false, "five"}, now + 3s);
  EXPECT_FALSE(inbox.latest("+12015550199", now + 3s)) << "its message was dropped for room";
}

TEST(sim_inbox, renders_the_otp_template_with_its_variable) {
  EXPECT_EQ(render_otp_template(R"({"1": "987654"})"), "Your verification code is 987654.");
  EXPECT_EQ(render_otp_template(R"({"2": "987654"})"), "");
  EXPECT_EQ(render_otp_template("not json"), "");
  EXPECT_EQ(render_otp_template(R"({"1": 5})"), "");
}

} // namespace
} // namespace verity::net
