#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/scoped_actor.hpp>
#include <gtest/gtest.h>
#include <tl/expected.hpp>

#include "actors/actors.hpp"
#include "actors/phone_directory.hpp"
#include "actors/verification_settings.hpp"
#include "app/prometheus_metrics.hpp"
#include "engine/send_guard.hpp"

namespace verity::test {

/// Tells a fake to deliver what it holds back.
using release_atom = caf::atom_constant<caf::atom("release")>;

/// What the fake storage holds and how it behaves.
struct fake_storage_data {
  std::map<verification_id, verification_record> verifications;
  std::map<message_id, message_record> messages;
  std::map<std::string, phone_record> phones;
  std::size_t persists = 0;
  std::vector<write_batch> batches; ///< Every batch persisted, oldest first.
  /// Message writes whose `previous` was not the version stored (or named one for a message
  /// not stored yet): the actors must keep this 0, storage counts statistics by it.
  std::size_t wrong_previous = 0;
  bool hold = false; ///< Keep persist acknowledgements until release_atom.
  std::vector<caf::response_promise> held;
};

/// What the fake Twilio client saw and how it answers.
struct fake_egress_data {
  std::vector<outbound_message> requests;
  std::deque<create_result> script; ///< Answers in order; when empty: created, SM + number.
  bool hold = false;                ///< Keep answers until release_atom.
  std::vector<std::pair<caf::response_promise, create_result>> held;
  /// Keep requests as if waiting in the egress queue (not sent): withdrawing one answers
  /// `queue_reason` and its create `withdrawn`; release_atom sends them.
  bool queue = false;
  not_sent_reason queue_reason = not_sent_reason::sender_rate;
  struct queued_request {
    caf::response_promise promise;
    create_result result;
    message_id id;
  };
  std::vector<queued_request> queued;
  std::vector<message_id> withdrawn; ///< Requests withdrawn from the queue.
  std::vector<message_id> withdrawals; ///< Every withdraw asked for, queued or not.
};

/// A CAF system on the deterministic test coordinator (virtual time), with fake storage and
/// egress behind the real interfaces, and one directory shard.
class actor_fixture : public ::testing::Test {
protected:
  actor_fixture();
  ~actor_fixture() override;

  /// Checks that every message write named the version it replaced.
  void TearDown() override;

  /// Runs every queued job.
  void run();

  /// Moves virtual time forward by `span`, firing due timers, then runs every job.
  void advance(caf::timespan span);

  /// Takes the next message of the test client's mailbox with `handlers`; false when the
  /// mailbox is empty (a blocking receive would wait on virtual time forever).
  template <class... Handlers>
  bool try_receive(Handlers&&... handlers) {
    if ((*client_)->mailbox().empty())
      return false;
    (*client_)->receive(std::forward<Handlers>(handlers)...);
    return true;
  }

  /// Sends a message to `dest` from the test client, runs, and returns the reply.
  template <class T, class Handle, class... Ts>
  tl::expected<T, caf::error> ask(const Handle& dest, Ts&&... xs) {
    (*client_)->send(dest, std::forward<Ts>(xs)...);
    run();
    tl::expected<T, caf::error> result = tl::unexpected(caf::make_error(caf::sec::request_timeout));
    try_receive([&](T& value) { result = std::move(value); },
                [&](caf::error& err) { result = tl::unexpected(std::move(err)); });
    return result;
  }

  /// A directory shard over the fixture's fakes and settings that asks `guard` before sending.
  phone_directory_actor spawn_shard(const send_guard_actor& guard);

  /// Asks `shard` to start a verification for `phone`: the view, or why it was refused.
  tl::expected<verification_view, caf::error> try_start(const phone_directory_actor& shard,
                                                        const std::string& phone) {
    return ask<verification_view>(shard, atom::start::value,
                                  verification_request{phone, {}, {}, "en"});
  }

  /// Starts a verification for `phone` and expects it to succeed.
  verification_view start(const std::string& phone,
                          channel_preference preference = channel_preference::automatic,
                          std::optional<fallback_policy> fallback = std::nullopt);

  /// Delivers a status callback for `message` and expects the acknowledgement.
  void callback(const message_record& message, delivery_status status,
                std::uint32_t error_code = 0);

  /// Reads a verification (no long poll).
  verification_view get(const verification_id& id);

  /// The message record as stored.
  const message_record& stored(const message_id& id) const;

  /// A create result Twilio sends for a failure.
  static create_result twilio_error(int http_status, std::uint32_t code);

  /// Counts what the actors record once a test sets `settings_->recorder = &recorded_`;
  /// declared first, so it outlives the actors.
  prometheus_metrics recorded_;
  caf::actor_system_config config_;
  std::unique_ptr<caf::actor_system> system_;
  caf::scheduler::test_coordinator* scheduler_ = nullptr;
  std::shared_ptr<fake_storage_data> storage_data_ = std::make_shared<fake_storage_data>();
  std::shared_ptr<fake_egress_data> egress_data_ = std::make_shared<fake_egress_data>();
  caf::actor storage_fake_;
  caf::actor egress_fake_;
  std::shared_ptr<verification_settings> settings_ = std::make_shared<verification_settings>();
  send_guard_limits send_limits_{{1000, std::chrono::milliseconds{10 * 60'000}},
                                 std::chrono::milliseconds{30 * 60'000},
                                 {20'000, std::chrono::milliseconds{10 * 60'000}}};
  send_guard_actor send_guard_;
  phone_directory_actor shard_;
  std::unique_ptr<caf::scoped_actor> client_;
  int twilio_sids_ = 0;

  static constexpr const char* phone_a = "+12015550123";
  static constexpr const char* phone_b = "+442079460958";
};

} // namespace verity::test
