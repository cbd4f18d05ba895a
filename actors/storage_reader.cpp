#include "actors/storage_reader.hpp"

#include <caf/typed_event_based_actor.hpp>

#include <spdlog/spdlog.h>

#include "engine/phone.hpp"

namespace verity {

namespace {

/// The answer to a read: the record, `ec::not_found`, or (logged) `ec::storage_failed`.
/// `describe` names the record for the log, and runs only when the read failed.
template <class T, class Describe>
caf::result<T> answer(storage::read_result<T> found, Describe describe) {
  if (!found) {
    spdlog::error("storage failed to read {}: {}", describe(), found.error());
    return caf::make_error(ec::storage_failed);
  }
  if (!*found)
    return caf::make_error(ec::not_found);
  return std::move(**found);
}

/// The answer to a report read: the report, or (logged) `ec::storage_failed`.
template <class T>
caf::result<T> answer_report(tl::expected<T, std::string> found, std::string_view what) {
  if (!found) {
    spdlog::error("storage failed to read {}: {}", what, found.error());
    return caf::make_error(ec::storage_failed);
  }
  return std::move(*found);
}

/// The reader's behavior; `store` (never null) outlives it.
storage_reader_actor::behavior_type reader(storage_reader_actor::pointer,
                                           storage::backend* store) {
  return {
    [store](atom::load, const verification_id& id) -> caf::result<verification_view> {
      return answer(store->read_view(id), [&] { return "verification " + id.to_string(); });
    },
    [store](atom::load, const message_id& id) -> caf::result<message_record> {
      return answer(store->read_message(id), [&] { return "message " + id.to_string(); });
    },
    [store](atom::lookup, const std::string& sid) -> caf::result<message_id> {
      return answer(store->read_sid(sid), [&] { return "the message of SID " + sid; });
    },
    [store](atom::lookup, const idempotency_query& query) -> caf::result<idempotency_record> {
      return answer(store->read_idempotency(query.key),
                    [] { return "an idempotency answer"; });
    },
    [store](atom::phone, const std::string& phone) -> caf::result<phone_record> {
      auto found = store->read_phone(phone);
      if (found && !*found) {
        phone_record fresh;
        fresh.phone = phone;
        return fresh;
      }
      return answer(std::move(found), [&] { return "phone " + mask_phone(phone); });
    },
    [store](atom::stats, const stats_query& query) -> caf::result<stats_report> {
      return answer_report(store->read_platform_stats(query), "the platform stats");
    },
    [store](atom::stats, const phone_stats_query& query) -> caf::result<phone_stats_report> {
      return answer_report(store->read_phone_stats(query),
                           "the stats of phone " + mask_phone(query.phone));
    },
  };
}

} // namespace

storage_reader_actor spawn_storage_reader(caf::actor_system& system,
                                          storage::backend& backend) {
  return system.spawn<caf::detached>(reader, &backend);
}

} // namespace verity
