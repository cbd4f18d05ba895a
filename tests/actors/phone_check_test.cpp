// Checking a code by phone (the compatibility API's verify-code): the phone actor finds the
// phone's latest verification from its durable record, live or ended, on CAF's deterministic
// scheduler with fake storage and egress.

#include "tests/actors/actor_fixture.hpp"

namespace verity::test {
namespace {

class phone_check : public actor_fixture {
protected:
  /// Checks `code` against the latest verification of `phone`.
  tl::expected<phone_check_result, caf::error> check(const std::string& phone,
                                                     const std::string& code) {
    return ask<phone_check_result>(shard_, atom::check::value, phone_code_check{phone, code});
  }

  /// A six-digit code that is not `code`.
  static std::string other_than(const std::string& code) {
    return code == "000000" ? std::string{"111111"} : std::string{"000000"};
  }
};

TEST_F(phone_check, a_phone_without_verifications_has_nothing_to_check) {
  auto result = check(phone_a, "123456");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), ec::not_found) << to_string(result.error());
}

TEST_F(phone_check, the_latest_verification_is_checked_and_named) {
  auto first = start(phone_a);
  auto second = start(phone_a);
  auto first_code = egress_data_->requests[0].code;
  auto second_code = egress_data_->requests[1].code;
  EXPECT_EQ(storage_data_->phones.at(phone_a).latest_verification, second.verification.id)
    << "the latest verification is part of the phone's durable record";
  if (first_code != second_code) {
    auto old = check(phone_a, first_code);
    ASSERT_TRUE(old);
    EXPECT_FALSE(old->result.valid) << "only the latest code counts, as in the seed";
  }
  auto result = check(phone_a, second_code);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->id, second.verification.id);
  EXPECT_TRUE(result->result.valid);
  EXPECT_EQ(storage_data_->verifications.at(second.verification.id).status,
            verification_status::approved);
  EXPECT_EQ(storage_data_->verifications.at(first.verification.id).status,
            verification_status::pending);
}

TEST_F(phone_check, an_approved_code_confirms_again_after_the_phone_actor_went_away) {
  auto view = start(phone_a);
  auto code = egress_data_->requests[0].code;
  ASSERT_TRUE(check(phone_a, code));
  run(); // the phone actor, with nothing live, passivates
  auto again = check(phone_a, code);
  ASSERT_TRUE(again) << to_string(again.error());
  EXPECT_TRUE(again->result.valid);
  EXPECT_EQ(again->id, view.verification.id);
  EXPECT_EQ(again->result.status, verification_status::approved);
}

TEST_F(phone_check, wrong_codes_after_the_approval_count_and_lock) {
  start(phone_a);
  auto code = egress_data_->requests[0].code;
  ASSERT_TRUE(check(phone_a, code));
  run();
  for (std::uint32_t i = 1; i <= settings_->max_checks; ++i) {
    auto wrong = check(phone_a, other_than(code));
    ASSERT_TRUE(wrong) << to_string(wrong.error());
    EXPECT_FALSE(wrong->result.valid);
    EXPECT_EQ(wrong->result.attempts_left, settings_->max_checks - i);
  }
  auto locked = check(phone_a, code);
  ASSERT_FALSE(locked) << "the right code no longer confirms once the limit is reached";
  EXPECT_EQ(locked.error(), ec::max_attempts_reached) << to_string(locked.error());
}

TEST_F(phone_check, a_locked_verification_answers_max_attempts) {
  start(phone_a);
  auto code = egress_data_->requests[0].code;
  for (std::uint32_t i = 1; i < settings_->max_checks; ++i)
    ASSERT_TRUE(check(phone_a, other_than(code)));
  auto last = check(phone_a, other_than(code));
  ASSERT_FALSE(last);
  EXPECT_EQ(last.error(), ec::max_attempts_reached);
  run();
  auto right = check(phone_a, code);
  ASSERT_FALSE(right);
  EXPECT_EQ(right.error(), ec::max_attempts_reached) << to_string(right.error());
}

TEST_F(phone_check, an_expired_code_is_not_found) {
  start(phone_a);
  auto code = egress_data_->requests[0].code;
  advance(settings_->code_ttl);
  auto result = check(phone_a, code);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), ec::not_found) << to_string(result.error());
}

TEST_F(phone_check, other_phones_are_not_affected) {
  start(phone_a);
  auto code = egress_data_->requests[0].code;
  auto result = check(phone_b, code);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), ec::not_found);
}

} // namespace
} // namespace verity::test
