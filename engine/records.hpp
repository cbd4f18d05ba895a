#pragma once

// The records Verity stores beside those of engine/verification.hpp, and the write batch that
// carries them to storage: plain data, shared by the actors that write and the storage that
// keeps them.

#include <optional>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "engine/delivery_status.hpp"
#include "engine/verification.hpp"

namespace verity {

/// An Idempotency-Key of API v1 and the verification it started, kept so that a retry with the
/// same key gets the same answer, across restarts, until it expires (24 hours). The answer is
/// not stored: the HTTP edge renders it again from the verification (see `as_created`).
struct idempotency_record {
  std::string key;          ///< Scoped: the API key's number, ':', the client's Idempotency-Key.
  std::string fingerprint;  ///< Hash of the request body the key was first used with.
  timestamp created_at;     ///< When the verification was started.
  verification_id verification; ///< The verification the key started.
};

/// A read of the stored answer of a scoped idempotency key.
struct idempotency_query {
  std::string key;
};

/// One message to store, with the version of it that storage holds: storage counts the
/// change between the two (delivery statistics) without reading the stored one back. After a
/// failed commit the writer's next write names a version that never reached the disk: the
/// counters of that message are then off by the change that was lost (its record is right).
struct message_write {
  message_record record;
  /// The version this write replaces: the one its writer last handed to storage, none for a
  /// message stored for the first time.
  std::optional<message_record> previous;
};

/// Durable writes the storage commits together, then acknowledges.
struct write_batch {
  std::vector<verification_record> verifications;
  std::vector<message_write> messages;
  std::vector<phone_record> phones;
  std::vector<idempotency_record> answers; ///< Answers to idempotent requests.
  /// A readiness probe's write (`/readyz`): its time, kept under a key of its own.
  std::optional<timestamp> readiness_probe;
};

/// Checks what a write batch must hold before it is stored: set ids, a verification id on
/// every message and its previous version the same id, a phone on every verification and phone
/// record, a key on every answer. Returns why not.
[[nodiscard]] tl::expected<void, std::string> validate(const write_batch& batch);

} // namespace verity
