#include "net/sim/scenarios.hpp"

#include <gtest/gtest.h>

namespace verity::net {
namespace {

using namespace std::chrono_literals;

const sim_director::clock::time_point t0{};

std::vector<delivery_status> statuses_of(const sim_plan& plan) {
  std::vector<delivery_status> statuses;
  for (const auto& callback : plan.callbacks)
    statuses.push_back(callback.status);
  return statuses;
}

TEST(sim_scenarios_test, the_last_four_digits_choose_the_scenario) {
  EXPECT_EQ(scenario_for_number("+12015550001"), sim_scenario::never_delivered);
  EXPECT_EQ(scenario_for_number("+447700900009"), sim_scenario::callback_first);
  EXPECT_FALSE(scenario_for_number("+12015550123"));
  EXPECT_EQ(scenario_for_number("+12015550010"), sim_scenario::slow_answer);
  EXPECT_EQ(scenario_for_number("+12015550011"), sim_scenario::throttle_burst);
  EXPECT_FALSE(scenario_for_number("+12015550012"));
  EXPECT_FALSE(scenario_for_number("12"));
}

TEST(sim_scenarios_test, a_messaging_service_adds_the_queued_callback) {
  auto plan = plan_scenario(sim_scenario::normal, {.whatsapp = false, .via_service = true});
  using enum delivery_status;
  EXPECT_EQ(statuses_of(plan), (std::vector<delivery_status>{queued, sent, delivered}));
}

TEST(sim_scenarios_test, duplicates_are_marked_as_repeats) {
  auto plan = plan_scenario(sim_scenario::duplicate_callbacks, {.whatsapp = true});
  ASSERT_EQ(plan.callbacks.size(), 6U);
  EXPECT_FALSE(plan.callbacks[0].repeat);
  EXPECT_TRUE(plan.callbacks[1].repeat);
  EXPECT_EQ(plan.callbacks[5].status, delivery_status::read);
}

TEST(sim_scenarios_test, throttled_numbers_succeed_after_the_configured_tries) {
  sim_director director{sim_mix{.throttle_tries = 3}, 1};
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(director.decide("+12015550006", {}, t0).http_status, 429);
  EXPECT_EQ(director.decide("+12015550006", {}, t0).http_status, 201);
  EXPECT_EQ(director.decide("+13105550006", {}, t0).http_status, 429) << "counted per number";
}

TEST(sim_scenarios_test, a_slow_number_is_created_after_the_configured_delay) {
  sim_director director{sim_mix{.slow_delay = 12s}, 1};
  auto plan = director.decide("+12015550010", {.whatsapp = true}, t0);
  EXPECT_EQ(plan.http_status, 201);
  EXPECT_EQ(plan.answer_delay, 12s);
  using enum delivery_status;
  EXPECT_EQ(statuses_of(plan), (std::vector<delivery_status>{sent, delivered, read}));
  EXPECT_EQ(director.decide("+12015550123", {}, t0).answer_delay, 0ms) << "others answer at once";
}

TEST(sim_scenarios_test, a_burst_throttles_every_number_for_its_duration) {
  sim_director director{sim_mix{.burst = 2s}, 1};
  EXPECT_EQ(director.decide("+12015550123", {}, t0).http_status, 201);
  auto first = director.decide("+12015550011", {}, t0);
  EXPECT_EQ(first.http_status, 429);
  EXPECT_EQ(first.error_code, 20429U);
  EXPECT_EQ(director.decide("+12015550123", {}, t0 + 1s).http_status, 429);
  EXPECT_EQ(director.decide("+447700900123", {}, t0 + 1999ms).http_status, 429);
  EXPECT_EQ(director.decide("+12015550123", {}, t0 + 2s).http_status, 201) << "the burst is over";
  EXPECT_EQ(director.decide("+12015550011", {}, t0 + 3s).http_status, 429) << "and starts again";
  EXPECT_EQ(director.decide("+12015550123", {}, t0 + 4s).http_status, 429);
}

TEST(sim_scenarios_test, rates_pick_outcomes_for_other_numbers) {
  sim_director failing{sim_mix{.fail_rate = 1.0}, 1};
  auto failed = failing.decide("+12015550123", {}, t0);
  ASSERT_EQ(failed.callbacks.size(), 2U);
  EXPECT_EQ(failed.callbacks[1].error_code, 30003U);
  sim_director silent{sim_mix{.timeout_rate = 1.0}, 1};
  EXPECT_EQ(statuses_of(silent.decide("+12015550123", {}, t0)),
            std::vector<delivery_status>{delivery_status::sent});
  sim_director throttling{sim_mix{.throttle_rate = 1.0}, 1};
  EXPECT_EQ(throttling.decide("+12015550123", {}, t0).http_status, 429);
}

TEST(sim_scenarios_test, the_same_seed_repeats_the_same_outcomes) {
  sim_mix mix{.fail_rate = 0.3, .timeout_rate = 0.3};
  sim_director first{mix, 42};
  sim_director second{mix, 42};
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(statuses_of(first.decide("+12015550123", {}, t0)),
              statuses_of(second.decide("+12015550123", {}, t0)));
}

} // namespace
} // namespace verity::net
