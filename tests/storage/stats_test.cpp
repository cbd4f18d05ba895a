#include "storage/stats_reads.hpp"

#include <initializer_list>
#include <map>
#include <memory>
#include <optional>

#include <gtest/gtest.h>

#include "storage/group_commit.hpp"
#include "storage/keys.hpp"
#include "tests/storage/storage_samples.hpp"

namespace verity::storage {
namespace {

using namespace std::chrono_literals;
using samples::at_ms;

constexpr const char* phone_a = "+12015550123";
constexpr const char* phone_b = "+120155501234"; ///< Phone A's text plus a digit.

/// A message to `to` over `via` created at `created`, then seeing `events`.
message_record make_message(channel via, std::string to, timestamp created,
                            std::initializer_list<status_event> events = {}) {
  message_record record;
  record.id = message_id::generate();
  record.verification = verification_id::generate();
  record.to = std::move(to);
  record.via = via;
  record.delivery.merge({delivery_status::created, created, 0});
  for (const auto& event : events)
    record.delivery.merge(event);
  return record;
}

/// `record` after one more event.
message_record with(message_record record, status_event event) {
  record.delivery.merge(event);
  return record;
}

/// A database in a fresh directory, written through a group commit.
class stats_test : public ::testing::Test {
protected:
  stats_test() {
    group_ = std::make_unique<group_commit>(*db_, false);
  }

  /// Adds the messages to the open group, one request each. Like the message actor, each
  /// write names the version written before it (none for a new message) as the one it
  /// replaces.
  void add(std::initializer_list<message_record> messages) {
    for (const auto& message : messages) {
      write_batch batch;
      auto written = written_.find(message.id);
      batch.messages.push_back({message, written == written_.end()
                                           ? std::nullopt
                                           : std::optional{written->second}});
      written_.insert_or_assign(message.id, message);
      auto added = group_->add(batch);
      ASSERT_TRUE(added) << added.error();
    }
  }

  /// Adds the messages in one group and commits it.
  void commit(std::initializer_list<message_record> messages) {
    add(messages);
    auto written = group_->commit();
    ASSERT_TRUE(written) << written.error();
  }

  stats_report platform(std::uint32_t days, timestamp now) {
    auto report = read_platform_stats(*db_, {days, now});
    EXPECT_TRUE(report) << report.error();
    return report ? *report : stats_report{};
  }

  phone_stats_report phone(const std::string& e164, std::uint32_t days, timestamp now) {
    auto report = read_phone_stats(*db_, {e164, days, now});
    EXPECT_TRUE(report) << report.error();
    return report ? *report : phone_stats_report{};
  }

  samples::temp_directory directory_;
  std::unique_ptr<database> db_ = samples::open_database(directory_.path());
  std::unique_ptr<group_commit> group_;
  std::map<message_id, message_record> written_; ///< The latest version written of each.
};

const channel_stats& of(const stats_report& report, channel via) {
  return report.channels[static_cast<std::size_t>(via)];
}

TEST(stats_keys, round_trip_and_sort_by_day) {
  stats_entry entry{-3, channel::sms, stat_metric::error_code, 63016};
  auto parsed = parse_stats_key(stats_key(entry));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->day, -3);
  EXPECT_EQ(parsed->via, channel::sms);
  EXPECT_EQ(parsed->metric, stat_metric::error_code);
  EXPECT_EQ(parsed->arg, 63016u);
  EXPECT_LT(stats_key({-1, channel::sms, stat_metric::status, 9}), stats_day_key(0));
  EXPECT_LT(stats_key({0, channel::sms, stat_metric::status, 9}), stats_day_key(1));
  EXPECT_FALSE(parse_stats_key("short"));
}

TEST_F(stats_test, every_message_counts_once_by_its_current_status) {
  auto t0 = at_ms(0);
  auto wa = make_message(channel::whatsapp, phone_a, t0);
  auto failed = make_message(channel::sms, phone_a, t0,
                             {{delivery_status::failed, t0 + 400ms, 30006}});
  auto late = make_message(channel::sms, phone_b, t0, {{delivery_status::timed_out, t0 + 10s, 0}});
  commit({wa, failed, late});
  auto sent = with(wa, {delivery_status::sent, t0 + 300ms, 0});
  auto delivered = with(sent, {delivery_status::delivered, t0 + 800ms, 0});
  // One group holding two versions of the same message, then a duplicate.
  commit({sent, delivered, failed});
  commit({delivered, with(late, {delivery_status::delivered, t0 + 3s, 0})});
  // An out-of-order `sent` adds nothing; `read` moves the message on.
  commit({with(delivered, {delivery_status::sent, t0 + 100ms, 0})});
  commit({with(delivered, {delivery_status::read, t0 + 2s, 0})});

  auto report = platform(1, t0 + 1h);
  EXPECT_EQ(report.window_days, 1u);
  const auto& whatsapp = of(report, channel::whatsapp);
  EXPECT_EQ(whatsapp.total, 1u);
  EXPECT_EQ(whatsapp.delivered, 1u);
  EXPECT_EQ(whatsapp.read, 1u);
  EXPECT_EQ(whatsapp.failed, 0u);
  EXPECT_EQ(whatsapp.pending, 0u);
  EXPECT_DOUBLE_EQ(whatsapp.avg_delivery_ms, 800.0);
  EXPECT_EQ(whatsapp.p95_delivery_ms, 1'000);
  const auto& sms = of(report, channel::sms);
  EXPECT_EQ(sms.total, 2u);
  EXPECT_EQ(sms.delivered, 1u); // the timed-out message was delivered after all
  EXPECT_EQ(sms.failed, 1u);
  EXPECT_EQ(sms.pending, 0u);
  EXPECT_DOUBLE_EQ(sms.avg_delivery_ms, 3'000.0);
  EXPECT_EQ(sms.p95_delivery_ms, 5'000);
  EXPECT_EQ(report.status_breakdown,
            (std::map<delivery_status, std::uint64_t>{{delivery_status::failed, 1},
                                                      {delivery_status::delivered, 1},
                                                      {delivery_status::read, 1}}));
  EXPECT_EQ(report.error_codes, (std::map<std::uint32_t, std::uint64_t>{{30006, 1}}));
}

TEST_F(stats_test, pending_messages_and_the_latency_estimate) {
  auto t0 = at_ms(0);
  commit({make_message(channel::sms, phone_a, t0, {{delivery_status::queued, t0, 0}})});
  for (int i = 0; i < 19; ++i)
    commit({make_message(channel::whatsapp, phone_a, t0,
                         {{delivery_status::delivered, t0 + 200ms, 0}})});
  commit({make_message(channel::whatsapp, phone_a, t0,
                       {{delivery_status::delivered, t0 + 20s, 0}})});
  auto report = platform(30, t0);
  EXPECT_EQ(of(report, channel::sms).pending, 1u);
  EXPECT_EQ(of(report, channel::sms).p95_delivery_ms, 0);
  EXPECT_EQ(of(report, channel::whatsapp).total, 20u);
  EXPECT_DOUBLE_EQ(of(report, channel::whatsapp).avg_delivery_ms, (19 * 200 + 20'000) / 20.0);
  EXPECT_EQ(of(report, channel::whatsapp).p95_delivery_ms, 250); // 19 of 20 within 250 ms
}

TEST_F(stats_test, the_window_covers_whole_utc_days_ending_today) {
  auto today = at_ms(0) + 12h;
  commit({make_message(channel::sms, phone_a, today),
          make_message(channel::sms, phone_a, today - 24h * 3),
          make_message(channel::sms, phone_a, today - 24h * 4),
          make_message(channel::sms, phone_a, today + 24h)});
  EXPECT_EQ(of(platform(1, today), channel::sms).total, 1u);
  EXPECT_EQ(of(platform(4, today), channel::sms).total, 2u);
  EXPECT_EQ(of(platform(5, today), channel::sms).total, 3u);
  EXPECT_EQ(of(platform(1, today + 24h), channel::sms).total, 1u);
}

TEST_F(stats_test, phone_stats_list_the_phones_messages_newest_first_within_the_window) {
  auto t0 = at_ms(0) + 12h;
  auto first = make_message(channel::sms, phone_a, t0);
  auto second = make_message(channel::whatsapp, phone_a, t0 + 1min,
                             {{delivery_status::read, t0 + 1min + 900ms, 0}});
  auto third = make_message(channel::sms, phone_a, t0 + 2min,
                            {{delivery_status::undelivered, t0 + 3min, 30003}});
  auto old = make_message(channel::sms, phone_a, t0 - 24h * 10);
  commit({second, first, old, third, make_message(channel::sms, phone_b, t0)});
  commit({with(first, {delivery_status::delivered, t0 + 1s, 0})});

  auto week = phone(phone_a, 7, t0 + 1h);
  ASSERT_EQ(week.recent.size(), 3u);
  EXPECT_EQ(week.recent[0].id, third.id);
  EXPECT_EQ(week.recent[1].id, second.id);
  EXPECT_EQ(week.recent[2].id, first.id);
  EXPECT_EQ(week.recent[2].delivery.current(), delivery_status::delivered);
  EXPECT_EQ(week.stats.window_days, 7u);
  EXPECT_EQ(of(week.stats, channel::sms).total, 2u);
  EXPECT_EQ(of(week.stats, channel::sms).delivered, 1u);
  EXPECT_EQ(of(week.stats, channel::sms).failed, 1u);
  EXPECT_EQ(of(week.stats, channel::whatsapp).read, 1u);
  EXPECT_EQ(week.stats.error_codes, (std::map<std::uint32_t, std::uint64_t>{{30003, 1}}));
  EXPECT_EQ(phone(phone_a, 30, t0 + 1h).recent.size(), 4u);
  EXPECT_EQ(phone(phone_b, 7, t0 + 1h).recent.size(), 1u);
  EXPECT_TRUE(phone("+15005550006", 7, t0).recent.empty());
}

} // namespace
} // namespace verity::storage
