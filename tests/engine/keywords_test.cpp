#include "engine/keywords.hpp"

#include <string>

#include <gtest/gtest.h>

namespace verity {
namespace {

TEST(keywords_test, every_opt_out_keyword_opts_out) {
  for (const auto* body : {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
    EXPECT_EQ(keyword_action(body), inbound_action::opt_out) << body;
}

TEST(keywords_test, every_opt_in_keyword_opts_in) {
  for (const auto* body : {"START", "UNSTOP", "YES"})
    EXPECT_EQ(keyword_action(body), inbound_action::opt_in) << body;
}

TEST(keywords_test, keywords_match_in_any_case) {
  EXPECT_EQ(keyword_action("stop"), inbound_action::opt_out);
  EXPECT_EQ(keyword_action("Unsubscribe"), inbound_action::opt_out);
  EXPECT_EQ(keyword_action("qUiT"), inbound_action::opt_out);
  EXPECT_EQ(keyword_action("start"), inbound_action::opt_in);
  EXPECT_EQ(keyword_action("Yes"), inbound_action::opt_in);
  EXPECT_EQ(keyword_action("unStop"), inbound_action::opt_in);
}

TEST(keywords_test, spaces_tabs_and_line_breaks_around_the_keyword_are_trimmed) {
  EXPECT_EQ(keyword_action(" STOP"), inbound_action::opt_out);
  EXPECT_EQ(keyword_action("STOP "), inbound_action::opt_out);
  EXPECT_EQ(keyword_action("\tstop\r\n"), inbound_action::opt_out);
  EXPECT_EQ(keyword_action("\n \t END \t\n"), inbound_action::opt_out);
  EXPECT_EQ(keyword_action(" Yes"), inbound_action::opt_in);
  EXPECT_EQ(keyword_action("\r\nstart\n"), inbound_action::opt_in);
}

TEST(keywords_test, other_whitespace_is_not_trimmed) {
  EXPECT_EQ(keyword_action("\vSTOP"), inbound_action::none);
  EXPECT_EQ(keyword_action("STOP\f"), inbound_action::none);
}

TEST(keywords_test, empty_and_blank_bodies_ask_for_nothing) {
  EXPECT_EQ(keyword_action(""), inbound_action::none);
  EXPECT_EQ(keyword_action(" "), inbound_action::none);
  EXPECT_EQ(keyword_action(" \t\r\n"), inbound_action::none);
}

TEST(keywords_test, the_whole_body_must_be_the_keyword) {
  EXPECT_EQ(keyword_action("stop please"), inbound_action::none);
  EXPECT_EQ(keyword_action("please stop"), inbound_action::none);
  EXPECT_EQ(keyword_action("STOP!"), inbound_action::none);
  EXPECT_EQ(keyword_action("STOPP"), inbound_action::none);
  EXPECT_EQ(keyword_action("STO"), inbound_action::none);
  EXPECT_EQ(keyword_action("S TOP"), inbound_action::none);
  EXPECT_EQ(keyword_action("STOP\nSTART"), inbound_action::none);
  EXPECT_EQ(keyword_action("STOP\xff"), inbound_action::none);
  EXPECT_EQ(keyword_action(std::string("STOP\0", 5)), inbound_action::none);
}

TEST(keywords_test, words_that_are_no_keyword_ask_for_nothing) {
  for (const auto* body : {"HELP", "INFO", "NO", "OK", "123456", "STOPPED", "RESTART"})
    EXPECT_EQ(keyword_action(body), inbound_action::none) << body;
}

} // namespace
} // namespace verity
