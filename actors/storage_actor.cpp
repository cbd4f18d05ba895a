#include "actors/storage_actor.hpp"

#include <caf/typed_event_based_actor.hpp>

#include "actors/storage_reader.hpp"
#include "actors/storage_writer.hpp"

namespace verity {

namespace {

/// The front of storage: routes each request to the actor that serves it.
storage_actor::behavior_type front(storage_actor::pointer self,
                                   const storage_writer_actor& writer,
                                   const storage_reader_actor& reader) {
  self->link_to(writer);
  self->link_to(reader);
  return {
    [self, writer](atom::persist, write_batch& batch) {
      return self->delegate(writer, atom::persist::value, std::move(batch));
    },
    [self, reader](atom::load, const verification_id& id) {
      return self->delegate(reader, atom::load::value, id);
    },
    [self, reader](atom::load, const message_id& id) {
      return self->delegate(reader, atom::load::value, id);
    },
    [self, reader](atom::lookup, std::string& sid) {
      return self->delegate(reader, atom::lookup::value, std::move(sid));
    },
    [self, reader](atom::lookup, idempotency_query& query) {
      return self->delegate(reader, atom::lookup::value, std::move(query));
    },
    [self, reader](atom::phone, std::string& phone) {
      return self->delegate(reader, atom::phone::value, std::move(phone));
    },
    [self, reader](atom::stats, const stats_query& query) {
      return self->delegate(reader, atom::stats::value, query);
    },
    [self, reader](atom::stats, phone_stats_query& query) {
      return self->delegate(reader, atom::stats::value, std::move(query));
    },
  };
}

} // namespace

storage_actor spawn_storage(caf::actor_system& system, storage::backend& backend,
                            storage_settings settings) {
  if (!settings.stats)
    settings.stats = std::make_shared<storage_stats>();
  auto writer = spawn_storage_writer(system, backend, settings);
  auto reader = spawn_storage_reader(system, backend);
  return system.spawn(front, writer, reader);
}

} // namespace verity
