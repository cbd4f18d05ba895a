#include "engine/channel_choice.hpp"

#include <gtest/gtest.h>

namespace verity {
namespace {

using namespace std::chrono_literals;

const timestamp t0{std::chrono::milliseconds{1'700'000'000'000}};
const channel_choice_rules rules{}; // 30 days, 2 failures, rate 0.5 over 20 samples

channel_choice auto_choice(const std::vector<whatsapp_evidence>& phone, timestamp now,
                           country_whatsapp_stats country = {}) {
  return choose_channel(channel_preference::automatic, phone, country, now, rules);
}

constexpr channel_choice whatsapp_default{channel::whatsapp,
                                          channel_reason::auto_default_whatsapp};

TEST(channel_choice_test, a_named_channel_is_taken_as_requested) {
  std::vector<whatsapp_evidence> unreachable{{t0, whatsapp_outcome::not_on_whatsapp}};
  country_whatsapp_stats poor{100, 0, 0ms};
  EXPECT_EQ(choose_channel(channel_preference::whatsapp, unreachable, poor, t0, rules),
            (channel_choice{channel::whatsapp, channel_reason::requested}));
  EXPECT_EQ(choose_channel(channel_preference::sms, {}, {}, t0, rules),
            (channel_choice{channel::sms, channel_reason::requested}));
}

TEST(channel_choice_test, auto_without_evidence_starts_on_whatsapp) {
  EXPECT_EQ(auto_choice({}, t0), whatsapp_default);
}

TEST(channel_choice_test, not_on_whatsapp_sends_auto_to_sms_until_it_decays) {
  std::vector<whatsapp_evidence> phone{{t0, whatsapp_outcome::not_on_whatsapp}};
  EXPECT_EQ(auto_choice(phone, t0 + 1h),
            (channel_choice{channel::sms, channel_reason::auto_phone_not_on_whatsapp}));
  EXPECT_EQ(auto_choice(phone, t0 + 24h * 30 - 1ms).via, channel::sms);
  EXPECT_EQ(auto_choice(phone, t0 + 24h * 30), whatsapp_default);
}

TEST(channel_choice_test, repeated_failures_send_auto_to_sms_one_does_not) {
  std::vector<whatsapp_evidence> phone{{t0, whatsapp_outcome::failed}};
  EXPECT_EQ(auto_choice(phone, t0 + 1min), whatsapp_default);
  phone.push_back({t0 + 1h, whatsapp_outcome::failed});
  EXPECT_EQ(auto_choice(phone, t0 + 2h),
            (channel_choice{channel::sms, channel_reason::auto_phone_whatsapp_failures}));
  // The first failure decays first: one left in the window is not enough.
  EXPECT_EQ(auto_choice(phone, t0 + 24h * 30), whatsapp_default);
}

TEST(channel_choice_test, a_delivery_clears_the_doubt_before_it) {
  std::vector<whatsapp_evidence> phone{{t0, whatsapp_outcome::not_on_whatsapp},
                                       {t0 + 1h, whatsapp_outcome::failed},
                                       {t0 + 2h, whatsapp_outcome::delivered}};
  EXPECT_EQ(auto_choice(phone, t0 + 3h), whatsapp_default);
  phone.push_back({t0 + 4h, whatsapp_outcome::not_on_whatsapp});
  EXPECT_EQ(auto_choice(phone, t0 + 5h).reason, channel_reason::auto_phone_not_on_whatsapp);
}

TEST(channel_choice_test, a_poor_country_starts_on_sms_once_it_has_enough_samples) {
  EXPECT_EQ(auto_choice({}, t0, {19, 0, 0ms}), whatsapp_default);
  EXPECT_EQ(auto_choice({}, t0, {20, 9, 5s}),
            (channel_choice{channel::sms, channel_reason::auto_country_whatsapp_rate}));
  EXPECT_EQ(auto_choice({}, t0, {20, 10, 5s}), whatsapp_default);
}

TEST(channel_choice_test, a_phone_delivered_to_lately_keeps_whatsapp_in_a_poor_country) {
  std::vector<whatsapp_evidence> phone{{t0, whatsapp_outcome::delivered}};
  EXPECT_EQ(auto_choice(phone, t0 + 1h, {100, 1, 5s}), whatsapp_default);
  EXPECT_EQ(auto_choice(phone, t0 + 24h * 31, {100, 1, 5s}).via, channel::sms);
}

TEST(channel_choice_test, a_phone_keeps_only_its_newest_outcomes) {
  std::vector<whatsapp_evidence> phone;
  for (int i = 0; i < 6; ++i)
    remember(phone, {t0 + std::chrono::minutes{i}, whatsapp_outcome::failed});
  ASSERT_EQ(phone.size(), whatsapp_evidence_kept);
  EXPECT_EQ(phone.front().at, t0 + 2min);
  EXPECT_EQ(phone.back().at, t0 + 5min);
}

TEST(channel_choice_test, reasons_have_api_names_and_old_records_derive_theirs) {
  EXPECT_EQ(to_string(channel_reason::requested), "requested");
  EXPECT_EQ(to_string(channel_reason::auto_country_whatsapp_rate), "auto_country_whatsapp_rate");
  EXPECT_EQ(derived_reason(channel_preference::sms), channel_reason::requested);
  EXPECT_EQ(derived_reason(channel_preference::whatsapp), channel_reason::requested);
  EXPECT_EQ(derived_reason(channel_preference::automatic), channel_reason::auto_default_whatsapp);
}

TEST(country_whatsapp_window_test, rate_and_median_time_over_the_window) {
  country_whatsapp_window window{24h, 8};
  window.record("+91", t0, true, 2s);
  window.record("+91", t0 + 1h, true, 6s);
  window.record("+91", t0 + 2h, false, 0ms);
  window.record("+91", t0 + 3h, true, 4s);
  auto stats = window.stats("+91", t0 + 4h);
  EXPECT_EQ(stats.sent, 4U);
  EXPECT_EQ(stats.delivered, 3U);
  EXPECT_DOUBLE_EQ(stats.delivery_rate(), 0.75);
  EXPECT_EQ(stats.median_time_to_delivered, 4s);
  auto later = window.stats("+91", t0 + 24h + 90min); // the first two slid out
  EXPECT_EQ(later.sent, 2U);
  EXPECT_EQ(later.delivered, 1U);
  EXPECT_EQ(window.stats("+44", t0).sent, 0U);
  EXPECT_DOUBLE_EQ(window.stats("+44", t0).delivery_rate(), 1.0);
}

TEST(country_whatsapp_window_test, countries_and_samples_are_capped) {
  country_whatsapp_window window{24h, 2};
  window.record("+1", t0, true, 1s);
  window.record("+44", t0 + 1min, true, 1s);
  window.record("+1", t0 + 2min, true, 1s);
  window.record("+91", t0 + 3min, false, 0ms); // drops +44, the least recently seen
  auto all = window.all(t0 + 4min);
  ASSERT_EQ(all.size(), 2U);
  EXPECT_TRUE(all.contains("+1"));
  EXPECT_TRUE(all.contains("+91"));
  for (std::size_t i = 0; i < country_whatsapp_window::max_samples + 5; ++i)
    window.record("+1", t0 + 5min, false, 0ms);
  EXPECT_EQ(window.stats("+1", t0 + 6min).sent, country_whatsapp_window::max_samples);
}

} // namespace
} // namespace verity
