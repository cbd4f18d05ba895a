// /readyz: a real storage write at most once a second, the egress's latest outcome, recovery
// and shutdown, each with its reason; and the egress health it reads.
#include "net/api/readiness.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "net/api/health_routes.hpp"
#include "net/api/router.hpp"
#include "net/twilio/egress_health.hpp"

namespace verity::net {
namespace {

using namespace std::chrono_literals;

/// A readiness whose sources the test sets, with a storage check it completes by hand.
class readiness_test : public ::testing::Test {
protected:
  readiness_test() {
    readiness_sources sources;
    sources.twilio = "simulator";
    sources.stopping = [this] { return stopping_; };
    sources.recovered = [this] { return recovered_; };
    sources.egress = [this] { return egress_; };
    sources.storage = [this](std::function<void(check_outcome)> done) {
      ++writes_;
      pending_writes_.push_back(std::move(done));
    };
    sources.storage_max_age = 1h; // the test decides when a new write is due
    checks_ = std::make_shared<readiness>(std::move(sources));
    add_health_routes(routes_, checks_);
  }

  /// Completes every storage write started so far with `outcome`.
  void finish_writes(check_outcome outcome) {
    auto pending = std::move(pending_writes_);
    pending_writes_.clear();
    for (auto& done : pending)
      done(outcome);
  }

  /// Where an answer lands once given (a probe may wait for a storage write).
  using answer_slot = std::shared_ptr<std::optional<http_response>>;

  /// GET /readyz; its answer lands in the slot returned.
  answer_slot readyz() {
    auto answer = std::make_shared<std::optional<http_response>>();
    http_request request;
    request.method = "GET";
    request.target = "/readyz";
    routes_.handle(request, [answer](http_response response) { *answer = std::move(response); });
    return answer;
  }

  bool stopping_ = false;
  bool recovered_ = true;
  check_outcome egress_;
  int writes_ = 0;
  std::vector<std::function<void(check_outcome)>> pending_writes_;
  std::shared_ptr<readiness> checks_;
  router routes_;
};

TEST_F(readiness_test, ready_names_the_mode_and_every_check) {
  auto first = readyz();
  EXPECT_FALSE(*first) << "the answer waits for the storage write";
  ASSERT_EQ(writes_, 1);
  auto second = readyz();
  EXPECT_EQ(writes_, 1) << "a probe during a write joins it";
  finish_writes(std::nullopt);
  ASSERT_TRUE(*first && *second);
  EXPECT_EQ((*first)->status, 200);
  EXPECT_EQ(nlohmann::json::parse((*second)->body),
            nlohmann::json::parse(R"({"ready": true, "status": "ready", "twilio": "simulator",
              "checks": {"storage": "ok", "egress": "ok", "recovery": "done"}})"));
  auto cached = readyz();
  ASSERT_TRUE(*cached) << "a fresh outcome is reused";
  EXPECT_EQ((*cached)->status, 200);
  EXPECT_EQ(writes_, 1) << "no write per probe";
}

TEST_F(readiness_test, each_failing_check_answers_503_with_its_reason) {
  readyz();
  finish_writes("the write failed (the log says why)");
  egress_ = "Twilio unreachable: Couldn't connect to server";
  recovered_ = false;
  stopping_ = true;
  auto answer = readyz();
  ASSERT_TRUE(*answer);
  EXPECT_EQ((*answer)->status, 503);
  auto body = nlohmann::json::parse((*answer)->body);
  EXPECT_EQ(body["ready"], false);
  EXPECT_EQ(body["status"], "not_ready");
  EXPECT_EQ(body["checks"]["storage"], "the write failed (the log says why)");
  EXPECT_EQ(body["checks"]["egress"], "Twilio unreachable: Couldn't connect to server");
  EXPECT_EQ(body["checks"]["recovery"], "running");
  EXPECT_EQ(body["reasons"], (nlohmann::json{"storage: the write failed (the log says why)",
                                              "egress: Twilio unreachable: Couldn't connect to "
                                              "server",
                                              "recovery: running", "shutting down"}));
}

TEST(cached_check_test, runs_again_once_the_outcome_is_older_than_its_max_age) {
  int runs = 0;
  auto check = std::make_shared<cached_check>(
    [&runs](std::function<void(check_outcome)> done) {
      ++runs;
      done(std::nullopt);
    },
    0ms);
  check->read([](check_outcome) {});
  check->read([](check_outcome) {});
  EXPECT_EQ(runs, 2);
}

TEST(egress_health_test, a_recent_failure_on_the_wire_is_a_problem_until_a_success_or_its_expiry) {
  egress_health health{30s};
  auto now = egress_health::clock::now();
  EXPECT_FALSE(health.problem(now)) << "nothing known: assumed clear";
  health.record({0, 0, "Couldn't connect to server", {}, {}, {}}, now);
  EXPECT_EQ(health.problem(now + 1s), "Twilio unreachable: Couldn't connect to server");
  EXPECT_FALSE(health.problem(now + 30s)) << "an old failure no longer counts";
  health.record({401, 20003, "Authenticate", {}, {}, {}}, now);
  EXPECT_EQ(health.problem(now), "Twilio refused the credentials (HTTP 401)");
  health.record({400, 21211, "Invalid 'To' Phone Number", {}, {}, {}}, now);
  EXPECT_FALSE(health.problem(now)) << "a refused message proves Twilio answers";
  health.record({503, 0, "", {}, {}, {}}, now);
  EXPECT_EQ(health.problem(now), "Twilio answered HTTP 503");
  health.record({201, 0, "", "SM1", {}, {}}, now);
  EXPECT_FALSE(health.problem(now));
}

} // namespace
} // namespace verity::net
