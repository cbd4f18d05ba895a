// `channel: "auto"` learning from outcomes through the phone actor: the phone's WhatsApp
// evidence (kept in its record, with decay) and its country's delivery rate, on CAF's
// deterministic scheduler; storage and Twilio are scripted fakes.

#include "tests/actors/actor_fixture.hpp"

#include "actors/country_channel_stats.hpp"

namespace verity::test {
namespace {

using namespace std::chrono_literals;
using ds = delivery_status;

class channel_choice_flow : public actor_fixture {
protected:
  channel_choice_flow() {
    settings_->recorder = &recorded_;
    settings_->country_stats = std::make_shared<country_channel_stats>(
      settings_->channel_rules.country_window, 8, &recorded_);
  }

  /// Starts an auto verification for `phone` without fallback (a failure sends nothing more).
  verification_view start_auto(const std::string& phone) {
    return start(phone, channel_preference::automatic, fallback_policy::none);
  }

  /// Seeds the stored record of `phone` with `history` (read when its actor starts).
  void seed_history(const std::string& phone, std::vector<whatsapp_evidence> history) {
    phone_record record;
    record.phone = phone;
    record.whatsapp_history = std::move(history);
    storage_data_->phones[phone] = record;
  }

  /// True when the exported metrics hold `line`.
  bool metrics_show(const std::string& line) const {
    return recorded_.text().find(line) != std::string::npos;
  }
};

TEST_F(channel_choice_flow, a_requested_channel_says_so) {
  auto view = start(phone_a, channel_preference::whatsapp);
  EXPECT_EQ(view.verification.why_channel, channel_reason::requested);
  EXPECT_EQ(storage_data_->verifications.at(view.verification.id).why_channel,
            channel_reason::requested);
  EXPECT_TRUE(metrics_show(
    "verity_channel_choices_total{channel=\"whatsapp\",reason=\"requested\"} 1"));
}

TEST_F(channel_choice_flow, auto_starts_on_whatsapp_and_stores_why) {
  auto view = start_auto(phone_a);
  EXPECT_EQ(view.attempts[0].via, channel::whatsapp);
  EXPECT_EQ(view.verification.why_channel, channel_reason::auto_default_whatsapp);
  EXPECT_EQ(storage_data_->verifications.at(view.verification.id).why_channel,
            channel_reason::auto_default_whatsapp);
}

TEST_F(channel_choice_flow, repeated_whatsapp_failures_send_auto_to_sms) {
  auto first = start_auto(phone_a);
  callback(stored(first.attempts[0].id), ds::undelivered, 30008);
  auto second = start_auto(phone_a);
  ASSERT_EQ(second.attempts[0].via, channel::whatsapp); // one failure: not yet
  callback(stored(second.attempts[0].id), ds::failed, 30008);
  auto third = start_auto(phone_a);
  EXPECT_EQ(third.attempts[0].via, channel::sms);
  EXPECT_EQ(third.verification.why_channel, channel_reason::auto_phone_whatsapp_failures);
  EXPECT_TRUE(metrics_show("verity_channel_choices_total{channel=\"sms\",reason="
                           "\"auto_phone_whatsapp_failures\"} 1"));
}

TEST_F(channel_choice_flow, a_whatsapp_delivery_clears_the_doubt) {
  seed_history(phone_a, {{wall_clock_now() - 1h, whatsapp_outcome::failed}});
  auto view = start_auto(phone_a);
  ASSERT_EQ(view.attempts[0].via, channel::whatsapp);
  callback(stored(view.attempts[0].id), ds::delivered);
  // One more failure after the delivery: one failure since, not enough for SMS.
  auto next = start_auto(phone_a);
  callback(stored(next.attempts[0].id), ds::failed, 30008);
  EXPECT_EQ(start_auto(phone_a).attempts[0].via, channel::whatsapp);
  auto history = storage_data_->phones.at(phone_a).whatsapp_history; // stored with the start
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[1].outcome, whatsapp_outcome::delivered);
  EXPECT_EQ(history[2].outcome, whatsapp_outcome::failed);
  // Without the delivery, the same two failures choose SMS.
  seed_history(phone_b, {{wall_clock_now() - 1h, whatsapp_outcome::failed}});
  auto other = start_auto(phone_b);
  callback(stored(other.attempts[0].id), ds::failed, 30008);
  EXPECT_EQ(start_auto(phone_b).attempts[0].via, channel::sms);
}

TEST_F(channel_choice_flow, old_evidence_decays_so_whatsapp_is_tried_again) {
  auto ttl = settings_->channel_rules.evidence_ttl;
  seed_history(phone_a, {{wall_clock_now() - ttl - 1min, whatsapp_outcome::not_on_whatsapp}});
  seed_history(phone_b, {{wall_clock_now() - ttl + 1h, whatsapp_outcome::not_on_whatsapp}});
  auto old = start_auto(phone_a);
  EXPECT_EQ(old.attempts[0].via, channel::whatsapp);
  EXPECT_EQ(old.verification.why_channel, channel_reason::auto_default_whatsapp);
  auto recent = start_auto(phone_b);
  EXPECT_EQ(recent.attempts[0].via, channel::sms);
  EXPECT_EQ(recent.verification.why_channel, channel_reason::auto_phone_not_on_whatsapp);
}

TEST_F(channel_choice_flow, a_country_where_whatsapp_rarely_delivers_starts_on_sms) {
  settings_->channel_rules.country_min_samples = 3;
  // Three +44 phones whose WhatsApp messages all fail (once each: no phone rule applies).
  for (const auto* phone : {"+442079460001", "+442079460002", "+442079460003"}) {
    auto view = start_auto(phone);
    ASSERT_EQ(view.attempts[0].via, channel::whatsapp);
    callback(stored(view.attempts[0].id), ds::undelivered, 30008);
  }
  EXPECT_TRUE(metrics_show("verity_country_whatsapp_delivery_rate{country=\"+44\"} 0"));
  auto fresh = start_auto(phone_b); // +44, never seen
  EXPECT_EQ(fresh.attempts[0].via, channel::sms);
  EXPECT_EQ(fresh.verification.why_channel, channel_reason::auto_country_whatsapp_rate);
  // Another country is unaffected, and a named channel still goes as asked.
  EXPECT_EQ(start_auto(phone_a).attempts[0].via, channel::whatsapp);
  EXPECT_EQ(start(phone_b, channel_preference::whatsapp).attempts[0].via, channel::whatsapp);
}

} // namespace
} // namespace verity::test
