#include "engine/verification.hpp"

#include <gtest/gtest.h>

namespace verity {
namespace {

using namespace std::chrono_literals;

timestamp at(int seconds) {
  return timestamp{std::chrono::milliseconds{1'700'000'000'000} + std::chrono::seconds{seconds}};
}

/// A verification as acknowledged: pending, one WhatsApp attempt that reached `created`.
verification_view started() {
  verification_view view;
  view.verification.id = verification_id::generate(7);
  view.verification.phone = "+14155552671";
  view.verification.created_at = at(0);
  view.verification.expires_at = at(600);
  message_record first;
  first.id = message_id::generate(7);
  first.verification = view.verification.id;
  first.to = view.verification.phone;
  first.as_template = true;
  first.delivery.merge({delivery_status::created, at(0), 0});
  view.verification.messages.push_back(first.id);
  view.attempts.push_back(first);
  return view;
}

TEST(verification, as_created_undoes_everything_after_the_start) {
  auto original = started();
  auto later = original;
  later.verification.status = verification_status::approved;
  later.verification.wrong_checks = 2;
  auto& first = later.attempts[0];
  first.twilio_sid = "SM0123";
  first.tries = 3;
  first.create_error = 20429;
  first.delivery.merge({delivery_status::failed, at(4), 63016});
  message_record fallback;
  fallback.id = message_id::generate(7);
  fallback.via = channel::sms;
  later.verification.messages.push_back(fallback.id);
  later.attempts.push_back(fallback);

  auto rebuilt = as_created(later);
  EXPECT_EQ(rebuilt.verification.status, verification_status::pending);
  EXPECT_EQ(rebuilt.verification.wrong_checks, 0u);
  EXPECT_EQ(rebuilt.verification.messages, original.verification.messages);
  EXPECT_EQ(rebuilt.verification.created_at, original.verification.created_at);
  EXPECT_EQ(rebuilt.verification.expires_at, original.verification.expires_at);
  ASSERT_EQ(rebuilt.attempts.size(), 1u);
  const auto& again = rebuilt.attempts[0];
  EXPECT_EQ(again.id, original.attempts[0].id);
  EXPECT_TRUE(again.twilio_sid.empty());
  EXPECT_EQ(again.tries, 0u);
  EXPECT_EQ(again.create_error, 0u);
  EXPECT_TRUE(again.as_template) << "how the first attempt was sent is part of the start";
  EXPECT_EQ(again.delivery, original.attempts[0].delivery);
}

TEST(verification, as_created_of_a_fresh_start_changes_nothing) {
  auto original = started();
  auto rebuilt = as_created(original);
  EXPECT_EQ(rebuilt.attempts[0].delivery, original.attempts[0].delivery);
  EXPECT_EQ(rebuilt.verification.messages, original.verification.messages);
  EXPECT_TRUE(as_created(verification_view{}).attempts.empty());
}

/// A verification in `status` that expires at `expires_at`, after `wrong` wrong checks.
verification_record ended(verification_status status, timestamp expires_at,
                          std::uint32_t wrong = 0) {
  verification_record record;
  record.status = status;
  record.expires_at = expires_at;
  record.wrong_checks = wrong;
  return record;
}

TEST(check_ended, an_approved_code_confirms_again_within_its_lifetime) {
  const timestamp expiry{std::chrono::milliseconds{10'000}};
  const timestamp before{std::chrono::milliseconds{9'999}};
  auto approved = ended(verification_status::approved, expiry);
  EXPECT_EQ(check_ended(approved, true, before, 5), ended_check_outcome::confirmed_again);
  EXPECT_EQ(check_ended(approved, false, before, 5), ended_check_outcome::wrong_code);
  EXPECT_EQ(check_ended(approved, true, expiry, 5), ended_check_outcome::not_found)
    << "the approval does not outlive the code";
}

TEST(check_ended, wrong_checks_after_the_approval_lock_it) {
  const timestamp expiry{std::chrono::milliseconds{10'000}};
  const timestamp now{std::chrono::milliseconds{1'000}};
  EXPECT_EQ(check_ended(ended(verification_status::approved, expiry, 4), true, now, 5),
            ended_check_outcome::confirmed_again);
  EXPECT_EQ(check_ended(ended(verification_status::approved, expiry, 5), true, now, 5),
            ended_check_outcome::max_attempts);
}

TEST(check_ended, other_ends_answer_by_their_status) {
  const timestamp expiry{std::chrono::milliseconds{10'000}};
  const timestamp now{std::chrono::milliseconds{1'000}};
  EXPECT_EQ(check_ended(ended(verification_status::max_attempts_reached, expiry), true, now, 5),
            ended_check_outcome::max_attempts);
  for (auto status : {verification_status::expired, verification_status::canceled,
                      verification_status::failed})
    EXPECT_EQ(check_ended(ended(status, expiry), true, now, 5), ended_check_outcome::not_found)
      << to_string(status);
}

} // namespace
} // namespace verity
