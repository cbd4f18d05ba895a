#include "engine/records.hpp"

#include <gtest/gtest.h>

namespace verity {
namespace {

/// A batch of one verification with one message (replacing a version of itself), one phone
/// record and one answer, all valid.
write_batch valid_batch() {
  write_batch batch;
  verification_record verification;
  verification.id = verification_id::generate();
  verification.phone = "+12015550123";
  message_record message;
  message.id = message_id::generate();
  message.verification = verification.id;
  batch.verifications.push_back(verification);
  batch.messages.push_back({message, message});
  batch.phones.push_back({verification.phone, false, std::nullopt, {}, {}, std::nullopt});
  batch.answers.push_back({"0:k1", "fingerprint", {}, verification.id});
  return batch;
}

TEST(records, a_complete_batch_and_an_empty_one_are_valid) {
  EXPECT_TRUE(validate(valid_batch()));
  EXPECT_TRUE(validate(write_batch{}));
}

TEST(records, validate_names_what_a_record_lacks) {
  auto reason = [](auto spoil) {
    auto batch = valid_batch();
    spoil(batch);
    auto checked = validate(batch);
    return checked ? std::string{} : checked.error();
  };
  EXPECT_EQ(reason([](write_batch& b) { b.verifications[0].id = {}; }),
            "a verification has no id");
  EXPECT_NE(reason([](write_batch& b) { b.verifications[0].phone.clear(); }).find("has no phone"),
            std::string::npos);
  EXPECT_EQ(reason([](write_batch& b) { b.messages[0].record.id = {}; }),
            "a message has no id");
  EXPECT_NE(reason([](write_batch& b) { b.messages[0].record.verification = {}; })
              .find("has no verification"),
            std::string::npos);
  EXPECT_NE(reason([](write_batch& b) { b.messages[0].previous->id = message_id::generate(); })
              .find("replaces a version of another message"),
            std::string::npos);
  EXPECT_EQ(reason([](write_batch& b) { b.messages[0].previous.reset(); }), "");
  EXPECT_EQ(reason([](write_batch& b) { b.phones[0].phone.clear(); }),
            "a phone record has no phone");
  EXPECT_EQ(reason([](write_batch& b) { b.answers[0].key.clear(); }),
            "an idempotency answer has no key");
}

} // namespace
} // namespace verity
