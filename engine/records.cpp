#include "engine/records.hpp"

namespace verity {

tl::expected<void, std::string> validate(const write_batch& batch) {
  for (const auto& record : batch.verifications) {
    if (record.id == verification_id{})
      return tl::unexpected(std::string{"a verification has no id"});
    if (record.phone.empty())
      return tl::unexpected("verification " + record.id.to_string() + " has no phone");
  }
  for (const auto& [record, previous] : batch.messages) {
    if (record.id == message_id{})
      return tl::unexpected(std::string{"a message has no id"});
    if (record.verification == verification_id{})
      return tl::unexpected("message " + record.id.to_string() + " has no verification");
    if (previous && previous->id != record.id)
      return tl::unexpected("message " + record.id.to_string()
                            + " replaces a version of another message");
  }
  for (const auto& record : batch.phones)
    if (record.phone.empty())
      return tl::unexpected(std::string{"a phone record has no phone"});
  for (const auto& record : batch.answers)
    if (record.key.empty())
      return tl::unexpected(std::string{"an idempotency answer has no key"});
  return {};
}

} // namespace verity
