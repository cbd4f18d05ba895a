// Passivation on the deterministic scheduler: a phone actor with nothing live is dropped, and
// nothing its shard forwarded (nor the answer it owes) is lost when it goes. What is alive is
// read from the recorder's gauge of live phone actors.

#include <functional>
#include <string>
#include <vector>

#include <caf/send.hpp>

#include "engine/routing.hpp"
#include "tests/actors/actor_fixture.hpp"

namespace verity::test {
namespace {

using ds = delivery_status;

class passivation : public actor_fixture {
protected:
  passivation() {
    settings_->recorder = &recorded_;
  }

  static timestamp now() {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now());
  }

  /// Phone actors alive, as the recorder counts them.
  int live_phone_actors() const {
    const std::string series = "verity_live_actors{kind=\"phone\"} ";
    auto text = recorded_.text();
    auto at = text.find(series);
    return at == std::string::npos ? -1 : std::stoi(text.substr(at + series.size()));
  }

  /// Takes every answer in the test client's mailbox; returns how many there were and
  /// collects the errors among them.
  std::size_t answers(std::vector<caf::error>* errors = nullptr) {
    std::size_t count = 0;
    auto error = [&](caf::error& err) {
      if (errors != nullptr)
        errors->push_back(std::move(err));
    };
    while (try_receive([](verification_view&) {}, [](check_result&) {}, [](caf::ok_atom) {},
                       [](std::uint64_t) {}, error))
      ++count;
    return count;
  }

  /// Checks the right code of `view` (its latest code as sent) and expects approval.
  void approve(const verification_view& view) {
    auto code = egress_data_->requests.back().code;
    auto result = ask<check_result>(shard_, atom::check::value, view.verification.id, code);
    ASSERT_TRUE(result) << to_string(result.error());
    EXPECT_TRUE(result->valid);
  }

  /// Starts a verification for `phone` and checks its code, with the write of the check held
  /// back; then lets that write through and, in the same run, has `forward` make the shard
  /// forward one more message to the phone actor. The phone actor reads the acknowledgement
  /// first: its verification ends and it asks to go while the forwarded message is already
  /// on its way to it.
  void forward_while_going_idle(const std::string& phone,
                                const std::function<void(const verification_view&)>& forward) {
    auto view = start(phone);
    auto code = egress_data_->requests.back().code;
    storage_data_->hold = true;
    (*client_)->send(shard_, atom::check::value, view.verification.id, code);
    run();
    ASSERT_EQ(storage_data_->held.size(), 1u);
    storage_data_->hold = false;
    caf::anon_send(storage_fake_, release_atom::value);
    forward(view);
    run();
  }

  /// An inbound SMS from `phone`, received now, asking `action`.
  inbound_message inbound(const std::string& phone, inbound_action action) const {
    return {phone, false, action, now()};
  }
};

TEST_F(passivation, a_phone_actor_goes_once_nothing_is_live) {
  EXPECT_EQ(live_phone_actors(), 0);
  auto view = start(phone_a);
  EXPECT_EQ(live_phone_actors(), 1);
  approve(view);
  EXPECT_EQ(live_phone_actors(), 0) << "approved";

  start(phone_a);
  EXPECT_EQ(live_phone_actors(), 1);
  advance(settings_->code_ttl);
  EXPECT_EQ(live_phone_actors(), 0) << "expired";

  ASSERT_TRUE(ask<caf::ok_atom>(shard_, atom::inbound::value,
                                inbound(phone_b, inbound_action::none)));
  run();
  EXPECT_EQ(live_phone_actors(), 0) << "inbound message";

  callback(stored(view.attempts[0].id), ds::read);
  run();
  EXPECT_EQ(live_phone_actors(), 0) << "callback for a finished verification";
  EXPECT_EQ(stored(view.attempts[0].id).delivery.current(), ds::read);
}

// The phone actor spawned for a start it refuses has nothing else to do: it goes too.
TEST_F(passivation, a_refused_start_leaves_no_actor_behind) {
  ASSERT_TRUE(ask<caf::ok_atom>(shard_, atom::inbound::value,
                                inbound(phone_b, inbound_action::opt_out)));
  auto refused = try_start(shard_, phone_b);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), ec::opted_out);
  run();
  EXPECT_EQ(live_phone_actors(), 0) << "opted out";

  settings_->send_limit.count = 1;
  approve(start(phone_a));
  refused = try_start(shard_, phone_a);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), ec::rate_limited);
  run();
  EXPECT_EQ(live_phone_actors(), 0) << "over the per-phone send limit";
}

// The phone actor asks to go after reading the acknowledgement of its check, but the shard has
// already forwarded a new start to it: the start is served, its verification is checkable
// (the shard still routes to the actor that holds it), and the actor goes once that ends.
TEST_F(passivation, a_start_forwarded_while_the_actor_asks_to_go_is_served) {
  forward_while_going_idle(phone_a, [this](const verification_view&) {
    (*client_)->send(shard_, atom::start::value, verification_request{phone_a, {}, {}, "en"});
  });
  std::optional<check_result> checked;
  std::optional<verification_view> started;
  ASSERT_TRUE(try_receive([&](check_result& result) { checked = result; }));
  ASSERT_TRUE(try_receive([&](verification_view& view) { started = view; }));
  ASSERT_TRUE(checked && checked->valid);
  ASSERT_TRUE(started);
  EXPECT_EQ(live_phone_actors(), 1);
  approve(*started);
  EXPECT_EQ(live_phone_actors(), 0);
}

// Every kind of message the shard forwards to a phone actor, forwarded while the actor asks to
// go: the message is answered, and the actor still goes afterwards (it is neither dropped with
// the message unread nor kept forever).
TEST_F(passivation, any_message_forwarded_while_the_actor_asks_to_go_is_answered) {
  struct kind {
    const char* name;
    std::function<void(const verification_view&)> forward;
  };
  auto phone_of = [](int i) { return "+1201555014" + std::to_string(i); };
  std::vector<kind> kinds{
    {"get",
     [&](const verification_view& view) {
       (*client_)->send(shard_, atom::get::value,
                        verification_query{view.verification.id, std::chrono::milliseconds{0}, {}});
     }},
    {"check",
     [&](const verification_view& view) {
       (*client_)->send(shard_, atom::check::value, view.verification.id, std::string{"000000"});
     }},
    {"resend",
     [&](const verification_view& view) {
       (*client_)->send(shard_, atom::resend::value, view.verification.id, channel::sms);
     }},
    {"status",
     [&](const verification_view& view) {
       status_callback late{view.attempts[0].id, view.verification.phone, "SM1", ds::read, 0,
                            now()};
       (*client_)->send(shard_, atom::status::value, late);
     }},
    {"inbound",
     [&](const verification_view& view) {
       (*client_)->send(shard_, atom::inbound::value,
                        inbound(view.verification.phone, inbound_action::none));
     }},
  };
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    SCOPED_TRACE(kinds[i].name);
    forward_while_going_idle(phone_of(static_cast<int>(i)), kinds[i].forward);
    EXPECT_EQ(answers(), 2u) << "the check's answer and the forwarded message's";
    EXPECT_EQ(live_phone_actors(), 0);
  }
}

// A write the phone actor started (an inbound message's) is still under way when another
// message leaves it with nothing live: it stays until the write is answered, so the inbound
// message gets its acknowledgement.
TEST_F(passivation, an_actor_with_a_write_under_way_stays_until_it_is_answered) {
  storage_data_->hold = true;
  (*client_)->send(shard_, atom::inbound::value, inbound(phone_a, inbound_action::opt_out));
  run();
  ASSERT_EQ(storage_data_->held.size(), 1u);
  auto unknown = message_id::generate(phone_routing_key(settings_->secret, phone_a));
  (*client_)->send(shard_, atom::status::value,
                   status_callback{unknown, phone_a, "SM9", ds::delivered, 0, now()});
  run();
  EXPECT_EQ(answers(), 1u) << "the callback for an unknown message is answered at once";
  storage_data_->hold = false;
  caf::anon_send(storage_fake_, release_atom::value);
  run();
  std::vector<caf::error> errors;
  EXPECT_EQ(answers(&errors), 1u) << "the inbound message was never acknowledged";
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(live_phone_actors(), 0);
}

// Only the phone actor itself can ask its shard to drop it: an idle request from any other
// sender (an earlier actor of the same phone, long gone) never makes the shard forget the
// actor that holds a live verification.
TEST_F(passivation, an_idle_request_from_another_actor_releases_nothing) {
  auto view = start(phone_a);
  for (std::uint64_t seen = 0; seen < 8; ++seen)
    (*client_)->send(shard_, atom::idle::value, std::string{phone_a}, seen);
  run();
  answers();
  EXPECT_EQ(live_phone_actors(), 1);
  approve(view);
  EXPECT_EQ(live_phone_actors(), 0);
}

} // namespace
} // namespace verity::test
