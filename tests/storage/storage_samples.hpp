#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "engine/verification.hpp"
#include "storage/database.hpp"

namespace verity::storage::samples {

/// A fresh, uniquely named directory under the system's temporary directory, removed with
/// everything in it when the object goes.
class temp_directory {
public:
  temp_directory();
  ~temp_directory();
  temp_directory(const temp_directory&) = delete;
  temp_directory& operator=(const temp_directory&) = delete;

  /// The directory (created).
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

private:
  std::filesystem::path path_;
};

/// Opens (creating it) the database in `directory`; throws std::runtime_error with RocksDB's
/// reason when it cannot, failing the test that set it up.
[[nodiscard]] std::unique_ptr<database> open_database(const std::filesystem::path& directory);

/// A fixed point in time (2024-01-01T00:00:00Z) plus `ms` milliseconds.
[[nodiscard]] timestamp at_ms(std::int64_t ms);

/// A verification with every field set to a non-default value, listing `messages` new ids.
[[nodiscard]] verification_record sample_verification(verification_status status,
                                                      timestamp created, std::size_t messages);

/// A message of `verification` with every field set, its delivery state holding several
/// statuses with error codes (including `read`, which also marks `delivered`).
[[nodiscard]] message_record sample_message(const message_id& id,
                                            const verification_id& verification,
                                            std::string twilio_sid);

/// A phone record with every field set.
[[nodiscard]] phone_record sample_phone(std::string phone);

/// Checks every field of two verifications with gtest expectations.
void expect_same(const verification_record& expected, const verification_record& actual);

/// Checks every field of two messages with gtest expectations.
void expect_same(const message_record& expected, const message_record& actual);

/// Checks every field of two phone records with gtest expectations.
void expect_same(const phone_record& expected, const phone_record& actual);

} // namespace verity::storage::samples
