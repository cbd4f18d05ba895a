#include "tests/actors/actor_fixture.hpp"

#include "actors/send_guard_actor.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace verity::test {

namespace {

/// True if `a` and `b` hold the same message in the same state.
bool same(const message_record& a, const message_record& b) {
  return a.id == b.id && a.verification == b.verification && a.to == b.to && a.via == b.via
         && a.twilio_sid == b.twilio_sid && a.delivery == b.delivery
         && a.as_template == b.as_template && a.tries == b.tries
         && a.create_error == b.create_error && a.not_sent == b.not_sent;
}

/// True if `previous` names what `data` holds of message `id`: nothing, or the same version.
bool names_stored(const fake_storage_data& data, const message_id& id,
                  const std::optional<message_record>& previous) {
  auto found = data.messages.find(id);
  if (found == data.messages.end())
    return !previous;
  return previous && same(*previous, found->second);
}

void apply(fake_storage_data& data, const write_batch& batch) {
  for (const auto& record : batch.verifications)
    data.verifications[record.id] = record;
  for (const auto& [record, previous] : batch.messages) {
    if (!names_stored(data, record.id, previous))
      ++data.wrong_previous;
    data.messages[record.id] = record;
  }
  for (const auto& record : batch.phones)
    data.phones[record.phone] = record;
  ++data.persists;
  data.batches.push_back(batch);
}

caf::behavior fake_storage(caf::event_based_actor* self, std::shared_ptr<fake_storage_data> data) {
  return {
    [self, data](atom::persist, const write_batch& batch) -> caf::result<caf::ok_atom> {
      apply(*data, batch);
      if (!data->hold)
        return caf::ok_atom::value;
      data->held.push_back(self->make_response_promise());
      return data->held.back();
    },
    [data](release_atom) {
      for (auto& promise : data->held)
        promise.deliver(caf::ok_atom::value);
      data->held.clear();
    },
    [data](atom::load, const verification_id& id) -> caf::result<verification_view> {
      auto found = data->verifications.find(id);
      if (found == data->verifications.end())
        return caf::make_error(ec::not_found);
      verification_view view{found->second, {}};
      for (const auto& message : found->second.messages)
        view.attempts.push_back(data->messages.at(message));
      return view;
    },
    [data](atom::load, const message_id& id) -> caf::result<message_record> {
      auto found = data->messages.find(id);
      if (found == data->messages.end())
        return caf::make_error(ec::not_found);
      return found->second;
    },
    [data](atom::lookup, const std::string&) -> caf::result<message_id> {
      return caf::make_error(ec::not_found);
    },
    [data](atom::phone, const std::string& phone) {
      auto found = data->phones.find(phone);
      return found == data->phones.end() ? phone_record{phone, false, std::nullopt, {}, {}, std::nullopt}
                                         : found->second;
    },
  };
}

caf::behavior fake_egress(caf::event_based_actor* self, std::shared_ptr<fake_egress_data> data,
                          int* sids) {
  return {
    [self, data, sids](atom::create, const outbound_message& message)
      -> caf::result<create_result> {
      data->requests.push_back(message);
      create_result result;
      if (!data->script.empty()) {
        result = data->script.front();
        data->script.pop_front();
      } else {
        result.http_status = 201;
        result.sid = "SM" + std::to_string(++*sids);
        result.status = delivery_status::queued;
      }
      if (data->queue) {
        data->queued.push_back({self->make_response_promise(), result, message.id});
        return data->queued.back().promise;
      }
      if (!data->hold)
        return result;
      data->held.emplace_back(self->make_response_promise(), result);
      return data->held.back().first;
    },
    [data](atom::withdraw, const message_id& id) {
      data->withdrawals.push_back(id);
      auto found = std::find_if(data->queued.begin(), data->queued.end(),
                                [&id](const auto& request) { return request.id == id; });
      if (found == data->queued.end())
        return not_sent_reason::none;
      create_result withdrawn;
      withdrawn.withdrawn = true;
      found->promise.deliver(withdrawn);
      data->queued.erase(found);
      data->withdrawn.push_back(id);
      return data->queue_reason;
    },
    [data](release_atom) {
      for (auto& [promise, result] : data->held)
        promise.deliver(result);
      data->held.clear();
      for (auto& request : data->queued)
        request.promise.deliver(request.result);
      data->queued.clear();
    },
  };
}

} // namespace

actor_fixture::actor_fixture() {
  config_.set("scheduler.policy", caf::atom("testing"));
  config_.set("logger.verbosity", caf::atom("quiet"));
  system_ = std::make_unique<caf::actor_system>(config_);
  scheduler_ = &dynamic_cast<caf::scheduler::test_coordinator&>(system_->scheduler());
  storage_fake_ = system_->spawn(fake_storage, storage_data_);
  egress_fake_ = system_->spawn(fake_egress, egress_data_, &twilio_sids_);
  settings_->secret = {1, 2, 3, 4};
  settings_->hasher = std::make_shared<code_hasher>(std::string_view{"test secret for codes"});
  send_guard_ = spawn_send_guard(*system_, send_limits_);
  shard_ = spawn_shard(send_guard_);
  client_ = std::make_unique<caf::scoped_actor>(*system_);
  run();
}

actor_fixture::~actor_fixture() {
  client_.reset();
  caf::anon_send_exit(shard_, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(storage_fake_, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(egress_fake_, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(send_guard_, caf::exit_reason::user_shutdown);
  run();
}

void actor_fixture::TearDown() {
  EXPECT_EQ(storage_data_->wrong_previous, 0u)
    << "a message write named another version than the stored one as its previous";
}

phone_directory_actor actor_fixture::spawn_shard(const send_guard_actor& guard) {
  return system_->spawn(phone_directory_behavior,
                        directory_setup{caf::actor_cast<egress_actor>(egress_fake_),
                                        caf::actor_cast<storage_actor>(storage_fake_), settings_,
                                        guard});
}

void actor_fixture::run() {
  scheduler_->run();
}

void actor_fixture::advance(caf::timespan span) {
  scheduler_->advance_time(span);
  run();
}

verification_view actor_fixture::start(const std::string& phone, channel_preference preference,
                                       std::optional<fallback_policy> fallback) {
  auto view = ask<verification_view>(shard_, atom::start::value,
                                     verification_request{phone, preference, fallback, "en"});
  EXPECT_TRUE(view) << (view ? "" : to_string(view.error()));
  return view ? *view : verification_view{};
}

void actor_fixture::callback(const message_record& message, delivery_status status,
                             std::uint32_t error_code) {
  auto at = std::chrono::time_point_cast<std::chrono::milliseconds>(
    std::chrono::system_clock::now());
  status_callback cb{message.id, message.to, stored(message.id).twilio_sid, status, error_code, at};
  auto ack = ask<caf::ok_atom>(shard_, atom::status::value, cb);
  EXPECT_TRUE(ack) << (ack ? "" : to_string(ack.error()));
}

verification_view actor_fixture::get(const verification_id& id) {
  auto view = ask<verification_view>(shard_, atom::get::value,
                                     verification_query{id, std::chrono::milliseconds{0}, {}});
  EXPECT_TRUE(view) << (view ? "" : to_string(view.error()));
  return view ? *view : verification_view{};
}

const message_record& actor_fixture::stored(const message_id& id) const {
  return storage_data_->messages.at(id);
}

create_result actor_fixture::twilio_error(int http_status, std::uint32_t code) {
  create_result result;
  result.http_status = http_status;
  result.error_code = code;
  result.error_message = "scripted failure";
  return result;
}

} // namespace verity::test
