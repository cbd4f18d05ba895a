#include "app/prometheus_metrics.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "app/atomic_histogram.hpp"
#include "engine/error_classification.hpp"

namespace verity {

namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;

constexpr std::array channels = {channel::whatsapp, channel::sms};
constexpr std::array failure_statuses = {delivery_status::failed, delivery_status::undelivered,
                                         delivery_status::canceled, delivery_status::timed_out};
constexpr std::array verification_outcomes = {
  verification_status::approved, verification_status::expired,
  verification_status::max_attempts_reached, verification_status::canceled,
  verification_status::failed};

/// The status codes the HTTP server answers; any other is counted as "other".
constexpr std::array<int, 16> http_statuses = {200, 201, 202, 204, 400, 401, 403, 404,
                                               405, 409, 413, 415, 422, 429, 500, 503};

/// 0.1 s .. 60 s: how long a carrier takes to confirm.
const std::vector<double> delivery_buckets = {0.1, 0.25, 0.5, 1,  2,  3,  5,
                                                      10,  15,   20,  30, 45, 60};
/// 10 ms .. 10 s: one Twilio create request.
const std::vector<double> twilio_buckets = {0.01, 0.025, 0.05, 0.1, 0.25,
                                                    0.5,  1,     2.5,  5,   10};
/// 0.5 ms .. 1 s: one group commit (a write and, usually, an fsync).
const std::vector<double> commit_buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                    0.05,   0.1,   0.25,   0.5,   1};
/// 1 .. 4096 (storage_settings::max_group): persist requests joined in one group commit.
const std::vector<double> batch_buckets = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024,
                                                   2048, 4096};
/// 1 ms .. 30 s: one HTTP request (long polls wait up to 30 s).
const std::vector<double> http_buckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                  0.25,  0.5,    1,     2.5,  5,     10,   30};

std::size_t index_of(channel via) {
  return static_cast<std::size_t>(via);
}

double seconds(std::chrono::steady_clock::duration elapsed) {
  return std::chrono::duration<double>(elapsed).count();
}

/// The index into `twilio_results` of an answer: created, throttled, refused, unreachable.
std::size_t twilio_result_index(bool created, int http_status) {
  if (created)
    return 0;
  if (http_status == 429)
    return 1;
  return http_status != 0 ? 2 : 3;
}

Family<Counter>& counter_family(prometheus::Registry& registry, const std::string& name,
                                const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
}

Family<Gauge>& gauge_family(prometheus::Registry& registry, const std::string& name,
                            const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry);
}

/// One series of `family` per channel, labelled `channel`.
std::array<Counter*, channels.size()> per_channel(Family<Counter>& family) {
  std::array<Counter*, channels.size()> series{};
  for (auto via : channels)
    series[index_of(via)] = &family.Add({{"channel", std::string(to_string(via))}});
  return series;
}

/// One histogram of `family` per channel, labelled `channel`.
std::array<atomic_histogram*, channels.size()> per_channel(atomic_histogram_family& family) {
  std::array<atomic_histogram*, channels.size()> series{};
  for (auto via : channels)
    series[index_of(via)] = &family.add({{"channel", std::string(to_string(via))}});
  return series;
}

/// The time from `created` to the first `status`, when `after` saw it first.
std::optional<double> newly_reached(delivery_status status, const delivery_state& before,
                                    const delivery_state& after) {
  auto created = after.first_seen(delivery_status::created);
  auto reached = after.first_seen(status);
  if (before.first_seen(status) || !created || !reached)
    return std::nullopt;
  return std::chrono::duration<double>(*reached - *created).count();
}

/// A counter or gauge read from elsewhere at scrape time.
struct exported_value {
  prometheus::MetricType type;
  std::string name;
  std::string help;
  std::function<double()> read;
};

/// The series of one route pattern: answers by status code, and their durations.
class prometheus_route_series final : public metrics::route_series {
public:
  prometheus_route_series(Family<Counter>& requests, atomic_histogram_family& durations,
                          const std::string& route)
    : duration_(durations.add({{"route", route}})),
      other_(requests.Add({{"route", route}, {"code", "other"}})) {
    for (std::size_t i = 0; i < http_statuses.size(); ++i)
      by_status_[i] = &requests.Add({{"route", route}, {"code", std::to_string(http_statuses[i])}});
  }

  void record(int status, std::chrono::steady_clock::duration elapsed) const override {
    auto found = std::find(http_statuses.begin(), http_statuses.end(), status);
    auto& counter = found == http_statuses.end()
                      ? other_
                      : *by_status_[static_cast<std::size_t>(found - http_statuses.begin())];
    counter.Increment();
    duration_.observe(seconds(elapsed));
  }

private:
  std::array<Counter*, http_statuses.size()> by_status_{};
  atomic_histogram& duration_;
  Counter& other_;
};

} // namespace

struct prometheus_metrics::impl {
  /// Lock-free histograms, exported beside the registry's families; first, so that the
  /// series below can be taken from them.
  atomic_histogram_family to_delivered_family{"verity_time_to_delivered_seconds",
                                              "Time from create to the carrier's delivered.",
                                              delivery_buckets};
  atomic_histogram_family to_read_family{"verity_time_to_read_seconds",
                                         "Time from create to read (WhatsApp).",
                                         delivery_buckets};
  atomic_histogram_family twilio_duration_family{"verity_twilio_request_duration_seconds",
                                                 "Duration of Twilio create requests.",
                                                 twilio_buckets};
  atomic_histogram_family commit_duration_family{
    "verity_storage_commit_duration_seconds", "Duration of one group commit (write and fsync).",
    commit_buckets};
  atomic_histogram_family commit_size_family{"verity_storage_commit_batch_size",
                                             "Persist requests joined in one group commit.",
                                             batch_buckets};
  atomic_histogram_family http_duration_family{"verity_http_request_duration_seconds",
                                               "HTTP request duration, by route pattern.",
                                               http_buckets};

  impl()
    : registry(std::make_shared<prometheus::Registry>()),
      started(counter_family(*registry, "verity_verifications_started_total",
                             "Verifications started (first message durable).")
                .Add({})),
      finished_family(counter_family(*registry, "verity_verifications_finished_total",
                                     "Verifications ended, by outcome.")),
      sent(per_channel(counter_family(*registry, "verity_messages_sent_total",
                                      "Messages Twilio accepted, by channel."))),
      transitions_family(counter_family(*registry, "verity_status_transitions_total",
                                        "Delivery status changes, by channel and new status.")),
      to_delivered(per_channel(to_delivered_family)),
      to_read(per_channel(to_read_family)),
      expiries(per_channel(counter_family(*registry, "verity_delivery_deadline_expiries_total",
                                          "Messages unconfirmed at their delivery deadline."))),
      not_sent_family(counter_family(
        *registry, "verity_messages_not_sent_total",
        "Messages never handed to Twilio, by channel and why: withdrawn at their delivery "
        "deadline from Verity's egress queue (sender_rate, egress_busy), or follow-ups refused "
        "by the send limits (send_limit).")),
      fallbacks_family(counter_family(*registry, "verity_fallbacks_total",
                                      "Fallbacks from WhatsApp to SMS, by the failure.")),
      choices_family(counter_family(
        *registry, "verity_channel_choices_total",
        "First channels of verifications, by channel and reason (requested, auto_...).")),
      country_rate_family(gauge_family(
        *registry, "verity_country_whatsapp_delivery_rate",
        "WhatsApp delivery rate over the channel-choice window, by country calling code.")),
      country_time_family(gauge_family(
        *registry, "verity_country_whatsapp_time_to_delivered_seconds",
        "Median time from create to delivered of WhatsApp messages over the channel-choice "
        "window, by country calling code.")),
      retries_family(counter_family(*registry, "verity_retries_total",
                                    "Create requests retried, by class.")),
      twilio_family(counter_family(*registry, "verity_twilio_requests_total",
                                   "Twilio create requests, by result.")),
      twilio_duration(twilio_duration_family.add({})),
      errors_family(counter_family(*registry, "verity_twilio_errors_total",
                                   "Twilio error codes seen (other: not in PROTOCOL.md).")),
      other_error(errors_family.Add({{"code", "other"}})),
      callbacks_family(counter_family(*registry, "verity_callbacks_total",
                                      "Status callbacks, by result.")),
      egress_in_flight(gauge_family(*registry, "verity_egress_in_flight",
                                    "Twilio create requests on the wire.")
                         .Add({})),
      egress_queued(gauge_family(*registry, "verity_egress_queued",
                                 "Twilio create requests waiting for their sender's pace.")
                      .Add({})),
      commit_duration(commit_duration_family.add({})),
      commit_size(commit_size_family.add({})),
      recovered_family(counter_family(*registry, "verity_recovered_verifications_total",
                                      "In-flight verifications found at start, by result.")),
      resumed(recovered_family.Add({{"result", "resumed"}})),
      skipped(recovered_family.Add({{"result", "skipped"}})),
      recovery_resends(per_channel(counter_family(
        *registry, "verity_recovery_resends_total",
        "Attempts re-sent with a fresh code at start: the previous one was never confirmed."))),
      actors_family(gauge_family(*registry, "verity_live_actors", "Actors alive, by kind.")),
      http_family(counter_family(*registry, "verity_http_requests_total",
                                 "HTTP requests, by route pattern and status code.")) {
    for (auto outcome : verification_outcomes)
      finished[static_cast<std::size_t>(outcome)] =
        &finished_family.Add({{"outcome", std::string(to_string(outcome))}});
    for (auto via : channels)
      for (std::size_t s = 0; s < delivery_status_count; ++s)
        transitions[index_of(via)][s] = &transitions_family.Add(
          {{"channel", std::string(to_string(via))},
           {"status", std::string(to_string(static_cast<delivery_status>(s)))}});
    for (auto via : channels)
      for (auto reason : {not_sent_reason::sender_rate, not_sent_reason::egress_busy,
                          not_sent_reason::send_limit})
        not_sent_counters[index_of(via)][static_cast<std::size_t>(reason)] = &not_sent_family.Add(
          {{"channel", std::string(to_string(via))}, {"reason", std::string(to_string(reason))}});
    for (auto reason : failure_statuses)
      fallbacks[static_cast<std::size_t>(reason)] =
        &fallbacks_family.Add({{"reason", std::string(to_string(reason))}});
    for (auto via : channels)
      for (std::size_t r = 0; r < channel_reason_count; ++r)
        choices[index_of(via)][r] = &choices_family.Add(
          {{"channel", std::string(to_string(via))},
           {"reason", std::string(to_string(static_cast<channel_reason>(r)))}});
    retries = {&retries_family.Add({{"class", "transport"}}),
               &retries_family.Add({{"class", "throttled"}}),
               &retries_family.Add({{"class", "server"}})};
    twilio_results = {&twilio_family.Add({{"result", "created"}}),
                      &twilio_family.Add({{"result", "throttled"}}),
                      &twilio_family.Add({{"result", "refused"}}),
                      &twilio_family.Add({{"result", "unreachable"}})};
    for (auto code : known_twilio_error_codes())
      errors.emplace(code, &errors_family.Add({{"code", std::to_string(code)}}));
    callbacks = {&callbacks_family.Add({{"result", "accepted"}}),
                 &callbacks_family.Add({{"result", "duplicate"}}),
                 &callbacks_family.Add({{"result", "stale"}}),
                 &callbacks_family.Add({{"result", "bad_signature"}})};
    live_actors = {&actors_family.Add({{"kind", "phone"}}),
                   &actors_family.Add({{"kind", "message"}})};
  }

  std::shared_ptr<prometheus::Registry> registry;
  Counter& started;
  Family<Counter>& finished_family;
  std::array<Counter*, 6> finished{}; ///< By verification_status (pending stays null).
  std::array<Counter*, channels.size()> sent;
  Family<Counter>& transitions_family;
  std::array<std::array<Counter*, delivery_status_count>, channels.size()> transitions{};
  std::array<atomic_histogram*, channels.size()> to_delivered;
  std::array<atomic_histogram*, channels.size()> to_read;
  std::array<Counter*, channels.size()> expiries;
  Family<Counter>& not_sent_family;
  /// By channel and not_sent_reason (`none` stays null).
  std::array<std::array<Counter*, 4>, channels.size()> not_sent_counters{};
  Family<Counter>& fallbacks_family;
  std::array<Counter*, delivery_status_count> fallbacks{}; ///< Failure statuses only.
  Family<Counter>& choices_family;
  std::array<std::array<Counter*, channel_reason_count>, channels.size()> choices{};
  Family<Gauge>& country_rate_family;
  Family<Gauge>& country_time_family;
  std::mutex countries_mutex;
  /// The gauges of each country seen, at most `max_countries` of them (bounded cardinality).
  std::map<std::string, std::pair<Gauge*, Gauge*>> countries;
  Family<Counter>& retries_family;
  std::array<Counter*, 3> retries{}; ///< By retry_class.
  Family<Counter>& twilio_family;
  std::array<Counter*, 4> twilio_results{}; ///< created, throttled, refused, unreachable.
  atomic_histogram& twilio_duration;
  Family<Counter>& errors_family;
  Counter& other_error;
  std::map<std::uint32_t, Counter*> errors; ///< Filled at start, read-only afterwards.
  Family<Counter>& callbacks_family;
  std::array<Counter*, 4> callbacks{}; ///< By callback_result.
  Gauge& egress_in_flight;
  Gauge& egress_queued;
  atomic_histogram& commit_duration;
  atomic_histogram& commit_size;
  Family<Counter>& recovered_family;
  Counter& resumed;
  Counter& skipped;
  std::array<Counter*, channels.size()> recovery_resends;
  Family<Gauge>& actors_family;
  std::array<Gauge*, 2> live_actors{}; ///< By actor_kind.
  Family<Counter>& http_family;
  std::deque<std::pair<std::string, prometheus_route_series>> routes; ///< Stable addresses.
  std::vector<exported_value> exported;
};

prometheus_metrics::prometheus_metrics() : impl_(std::make_unique<impl>()) {}

prometheus_metrics::~prometheus_metrics() = default;

void prometheus_metrics::verification_started() {
  impl_->started.Increment();
}

void prometheus_metrics::verification_finished(verification_status outcome) {
  if (auto* counter = impl_->finished[static_cast<std::size_t>(outcome)])
    counter->Increment();
}

void prometheus_metrics::message_sent(channel via) {
  impl_->sent[index_of(via)]->Increment();
}

void prometheus_metrics::delivery_changed(channel via, const delivery_state& before,
                                          const delivery_state& after) {
  auto index = index_of(via);
  if (after.current() != before.current())
    impl_->transitions[index][static_cast<std::size_t>(after.current())]->Increment();
  if (auto elapsed = newly_reached(delivery_status::delivered, before, after))
    impl_->to_delivered[index]->observe(*elapsed);
  if (auto elapsed = newly_reached(delivery_status::read, before, after))
    impl_->to_read[index]->observe(*elapsed);
}

void prometheus_metrics::deadline_expired(channel via) {
  impl_->expiries[index_of(via)]->Increment();
}

void prometheus_metrics::not_sent(channel via, not_sent_reason reason) {
  if (auto* counter = impl_->not_sent_counters[index_of(via)][static_cast<std::size_t>(reason)])
    counter->Increment();
}

void prometheus_metrics::fallback(delivery_status reason) {
  if (auto* counter = impl_->fallbacks[static_cast<std::size_t>(reason)])
    counter->Increment();
}

void prometheus_metrics::channel_chosen(channel via, channel_reason reason) {
  impl_->choices[index_of(via)][static_cast<std::size_t>(reason)]->Increment();
}

void prometheus_metrics::country_whatsapp(const std::string& country,
                                          const country_whatsapp_stats& stats) {
  std::lock_guard lock{impl_->countries_mutex};
  auto found = impl_->countries.find(country);
  if (found == impl_->countries.end()) {
    if (impl_->countries.size() >= max_countries)
      return;
    found = impl_->countries
              .emplace(country, std::pair{&impl_->country_rate_family.Add({{"country", country}}),
                                          &impl_->country_time_family.Add({{"country", country}})})
              .first;
  }
  found->second.first->Set(stats.delivery_rate());
  found->second.second->Set(
    std::chrono::duration<double>(stats.median_time_to_delivered).count());
}

void prometheus_metrics::retry(retry_class kind) {
  impl_->retries[static_cast<std::size_t>(kind)]->Increment();
}

void prometheus_metrics::twilio_request(bool created, int http_status,
                                        std::uint32_t twilio_code,
                                        std::chrono::steady_clock::duration elapsed) {
  impl_->twilio_results[twilio_result_index(created, http_status)]->Increment();
  impl_->twilio_duration.observe(seconds(elapsed));
  twilio_error(twilio_code);
}

void prometheus_metrics::twilio_error(std::uint32_t twilio_code) {
  if (twilio_code == 0)
    return;
  auto found = impl_->errors.find(twilio_code);
  (found == impl_->errors.end() ? impl_->other_error : *found->second).Increment();
}

void prometheus_metrics::callback(callback_result result) {
  impl_->callbacks[static_cast<std::size_t>(result)]->Increment();
}

void prometheus_metrics::egress_depth(std::size_t in_flight, std::size_t queued) {
  impl_->egress_in_flight.Set(static_cast<double>(in_flight));
  impl_->egress_queued.Set(static_cast<double>(queued));
}

void prometheus_metrics::storage_commit(std::size_t requests,
                                        std::chrono::steady_clock::duration elapsed) {
  impl_->commit_duration.observe(seconds(elapsed));
  impl_->commit_size.observe(static_cast<double>(requests));
}

void prometheus_metrics::recovered(std::size_t resumed, std::size_t skipped) {
  impl_->resumed.Increment(static_cast<double>(resumed));
  impl_->skipped.Increment(static_cast<double>(skipped));
}

void prometheus_metrics::recovery_resend(channel via) {
  impl_->recovery_resends[index_of(via)]->Increment();
}

void prometheus_metrics::actor_started(actor_kind kind) {
  impl_->live_actors[static_cast<std::size_t>(kind)]->Increment();
}

void prometheus_metrics::actor_stopped(actor_kind kind) {
  impl_->live_actors[static_cast<std::size_t>(kind)]->Decrement();
}

const metrics::route_series& prometheus_metrics::http_route(std::string_view pattern) {
  auto& routes = impl_->routes;
  auto found = std::find_if(routes.begin(), routes.end(),
                            [pattern](const auto& entry) { return entry.first == pattern; });
  if (found != routes.end())
    return found->second;
  std::string route(pattern);
  return routes
    .emplace_back(std::piecewise_construct, std::forward_as_tuple(route),
                  std::forward_as_tuple(impl_->http_family, impl_->http_duration_family, route))
    .second;
}

void prometheus_metrics::export_counter(std::string name, std::string help,
                                        std::function<double()> read) {
  impl_->exported.push_back(
    {prometheus::MetricType::Counter, std::move(name), std::move(help), std::move(read)});
}

void prometheus_metrics::export_gauge(std::string name, std::string help,
                                      std::function<double()> read) {
  impl_->exported.push_back(
    {prometheus::MetricType::Gauge, std::move(name), std::move(help), std::move(read)});
}

std::string prometheus_metrics::text() const {
  auto families = impl_->registry->Collect();
  for (const auto* histograms :
       {&impl_->to_delivered_family, &impl_->to_read_family, &impl_->twilio_duration_family,
        &impl_->commit_duration_family, &impl_->commit_size_family, &impl_->http_duration_family})
    families.push_back(histograms->collect());
  for (const auto& exported : impl_->exported) {
    prometheus::ClientMetric sample;
    if (exported.type == prometheus::MetricType::Gauge)
      sample.gauge.value = exported.read();
    else
      sample.counter.value = exported.read();
    families.push_back({exported.name, exported.help, exported.type, {sample}});
  }
  return prometheus::TextSerializer{}.Serialize(families);
}

} // namespace verity
