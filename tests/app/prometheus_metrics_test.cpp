#include "app/prometheus_metrics.hpp"

#include <gtest/gtest.h>

namespace verity {
namespace {

using namespace std::chrono_literals;

/// True when `text` holds `line` as a whole line.
bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

TEST(prometheus_metrics_test, every_series_exists_before_any_event) {
  prometheus_metrics recorded;
  auto text = recorded.text();
  EXPECT_TRUE(has_line(text, "verity_verifications_started_total 0")) << text;
  EXPECT_TRUE(has_line(text, R"(verity_verifications_finished_total{outcome="expired"} 0)"));
  EXPECT_TRUE(
    has_line(text, R"(verity_status_transitions_total{channel="whatsapp",status="read"} 0)"));
  EXPECT_TRUE(has_line(text, R"(verity_twilio_errors_total{code="63016"} 0)"));
  EXPECT_TRUE(has_line(text, R"(verity_callbacks_total{result="bad_signature"} 0)"));
  EXPECT_TRUE(has_line(text, R"(verity_live_actors{kind="message"} 0)"));
  EXPECT_EQ(text.find("+1"), std::string::npos) << "no phone number is ever a label";
}

TEST(prometheus_metrics_test, events_show_up_under_their_bounded_labels) {
  prometheus_metrics recorded;
  recorded.verification_started();
  recorded.verification_finished(verification_status::approved);
  recorded.verification_finished(verification_status::pending);
  recorded.message_sent(channel::sms);
  recorded.deadline_expired(channel::whatsapp);
  recorded.fallback(delivery_status::timed_out);
  recorded.retry(retry_class::throttled);
  recorded.twilio_request(false, 400, 21211, 40ms);
  recorded.twilio_error(99999);
  recorded.callback(callback_result::duplicate);
  recorded.actor_started(actor_kind::phone);
  recorded.actor_started(actor_kind::message);
  recorded.actor_stopped(actor_kind::message);
  recorded.recovery_resend(channel::whatsapp);
  recorded.export_counter("verity_storage_commits_total", "Group commits.", [] { return 7.0; });
  recorded.export_gauge("verity_storage_memtable_bytes", "Memtables.", [] { return 4096.0; });

  auto text = recorded.text();
  EXPECT_TRUE(has_line(text, "verity_verifications_started_total 1")) << text;
  EXPECT_TRUE(has_line(text, R"(verity_verifications_finished_total{outcome="approved"} 1)"));
  EXPECT_TRUE(has_line(text, R"(verity_messages_sent_total{channel="sms"} 1)"));
  EXPECT_TRUE(has_line(text, R"(verity_delivery_deadline_expiries_total{channel="whatsapp"} 1)"));
  EXPECT_TRUE(has_line(text, R"(verity_fallbacks_total{reason="timed_out"} 1)"));
  EXPECT_TRUE(has_line(text, R"(verity_retries_total{class="throttled"} 1)"));
  EXPECT_TRUE(has_line(text, R"(verity_twilio_requests_total{result="refused"} 1)"));
  EXPECT_TRUE(has_line(text, "verity_twilio_request_duration_seconds_count 1"));
  EXPECT_TRUE(has_line(text, R"(verity_twilio_errors_total{code="21211"} 1)"));
  EXPECT_TRUE(has_line(text, R"(verity_twilio_errors_total{code="other"} 1)"));
  EXPECT_TRUE(has_line(text, R"(verity_callbacks_total{result="duplicate"} 1)"));
  EXPECT_TRUE(has_line(text, R"(verity_live_actors{kind="phone"} 1)"));
  EXPECT_TRUE(has_line(text, R"(verity_live_actors{kind="message"} 0)"));
  EXPECT_TRUE(has_line(text, "verity_storage_commits_total 7"));
  EXPECT_TRUE(has_line(text, "# TYPE verity_storage_commits_total counter"));
  EXPECT_TRUE(has_line(text, "verity_storage_memtable_bytes 4096"));
  EXPECT_TRUE(has_line(text, "# TYPE verity_storage_memtable_bytes gauge"));
  EXPECT_TRUE(has_line(text, R"(verity_recovery_resends_total{channel="whatsapp"} 1)"));
}

TEST(prometheus_metrics_test, delivery_changes_count_transitions_and_time_to_delivered_and_read) {
  prometheus_metrics recorded;
  timestamp created{std::chrono::milliseconds{1'000'000}};
  delivery_state before;
  before.merge({delivery_status::created, created, 0});
  auto delivered = before;
  delivered.merge({delivery_status::delivered, created + 1500ms, 0});
  recorded.delivery_changed(channel::whatsapp, before, delivered);
  auto read = delivered;
  read.merge({delivery_status::read, created + 20s, 0});
  recorded.delivery_changed(channel::whatsapp, delivered, read);
  recorded.delivery_changed(channel::whatsapp, read, read); // a duplicate changes nothing

  auto text = recorded.text();
  EXPECT_TRUE(has_line(
    text, R"(verity_status_transitions_total{channel="whatsapp",status="delivered"} 1)"))
    << text;
  EXPECT_TRUE(
    has_line(text, R"(verity_status_transitions_total{channel="whatsapp",status="read"} 1)"));
  EXPECT_TRUE(has_line(text, R"(verity_time_to_delivered_seconds_count{channel="whatsapp"} 1)"));
  EXPECT_TRUE(has_line(text, R"(verity_time_to_delivered_seconds_sum{channel="whatsapp"} 1.5)"));
  EXPECT_TRUE(
    has_line(text, R"(verity_time_to_delivered_seconds_bucket{channel="whatsapp",le="1"} 0)"));
  EXPECT_TRUE(
    has_line(text, R"(verity_time_to_delivered_seconds_bucket{channel="whatsapp",le="2"} 1)"));
  EXPECT_TRUE(has_line(text, R"(verity_time_to_read_seconds_sum{channel="whatsapp"} 20)"));
  EXPECT_TRUE(has_line(text, R"(verity_time_to_read_seconds_count{channel="sms"} 0)"));
}

TEST(prometheus_metrics_test, twilio_answers_are_counted_by_result_with_429_apart) {
  prometheus_metrics recorded;
  recorded.twilio_request(true, 201, 0, 10ms);
  recorded.twilio_request(false, 429, 20429, 10ms);
  recorded.twilio_request(false, 400, 21211, 10ms);
  recorded.twilio_request(false, 0, 0, 10ms);

  auto text = recorded.text();
  for (const auto* result : {"created", "throttled", "refused", "unreachable"})
    EXPECT_TRUE(has_line(text, std::string{"verity_twilio_requests_total{result=\""} + result
                                 + "\"} 1"))
      << result << "\n"
      << text;
  EXPECT_TRUE(has_line(text, R"(verity_twilio_errors_total{code="20429"} 1)"));
}

TEST(prometheus_metrics_test, egress_depth_storage_commits_and_recovery_are_exported) {
  prometheus_metrics recorded;
  recorded.egress_depth(3, 12);
  recorded.egress_depth(2, 7); // a gauge: the latest value counts
  recorded.storage_commit(5, 3ms);
  recorded.storage_commit(1, 40ms);
  recorded.recovered(4, 1);

  auto text = recorded.text();
  EXPECT_TRUE(has_line(text, "verity_egress_in_flight 2")) << text;
  EXPECT_TRUE(has_line(text, "verity_egress_queued 7"));
  EXPECT_TRUE(has_line(text, "verity_storage_commit_duration_seconds_count 2"));
  EXPECT_TRUE(has_line(text, R"(verity_storage_commit_duration_seconds_bucket{le="0.005"} 1)"));
  EXPECT_TRUE(has_line(text, R"(verity_storage_commit_duration_seconds_bucket{le="0.05"} 2)"));
  EXPECT_TRUE(has_line(text, "verity_storage_commit_batch_size_sum 6"));
  EXPECT_TRUE(has_line(text, R"(verity_storage_commit_batch_size_bucket{le="4"} 1)"));
  EXPECT_TRUE(has_line(text, R"(verity_recovered_verifications_total{result="resumed"} 4)"));
  EXPECT_TRUE(has_line(text, R"(verity_recovered_verifications_total{result="skipped"} 1)"));
}

} // namespace
} // namespace verity
