// Measures the actor layer alone: resident memory per in-flight verification, the rate at
// which verifications (a phone actor + a message actor each) start, and the rate of status
// callbacks through shard -> phone actor -> message actor. Storage and Twilio are in-memory
// stand-ins that answer at once, so the figures are the actors' own cost.
//
//   build/verity-bench-actors --verifications 100000 --workers 2

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "actors/phone_directory.hpp"
#include "actors/system_setup.hpp"
#include "engine/routing.hpp"

namespace {

using namespace verity;
using clock_type = std::chrono::steady_clock;
using done_atom = caf::atom_constant<caf::atom("done")>;

/// Resident set size of this process in bytes (from /proc/self/statm).
std::size_t resident_bytes() {
  std::ifstream statm{"/proc/self/statm"};
  std::size_t pages_total = 0;
  std::size_t pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

/// Storage that acknowledges at once and keeps nothing.
storage_actor::behavior_type null_storage() {
  return {
    [](atom::persist, const write_batch&) { return caf::ok_atom::value; },
    [](atom::load, const verification_id&) -> caf::result<verification_view> {
      return caf::make_error(ec::not_found);
    },
    [](atom::load, const message_id&) -> caf::result<message_record> {
      return caf::make_error(ec::not_found);
    },
    [](atom::lookup, const std::string&) -> caf::result<message_id> {
      return caf::make_error(ec::not_found);
    },
    [](atom::lookup, const idempotency_query&) -> caf::result<idempotency_record> {
      return caf::make_error(ec::not_found);
    },
    [](atom::phone, const std::string& phone) { return phone_record{phone, false, {}, {}, {}, {}}; },
    [](atom::stats, const stats_query& query) { return stats_report{query.days, {}, {}, {}}; },
    [](atom::stats, const phone_stats_query& query) {
      return phone_stats_report{stats_report{query.days, {}, {}, {}}, {}};
    },
  };
}

/// A Twilio client that creates every message at once (nothing ever waits to be withdrawn).
egress_actor::behavior_type instant_egress() {
  return {[](atom::create, const outbound_message& message) {
    create_result result;
    result.http_status = 201;
    result.sid = "SM" + message.id.to_string().substr(2);
    return result;
  },
  [](atom::withdraw, const message_id&) { return not_sent_reason::none; }};
}

std::string phone_number(std::size_t i) {
  return fmt::format("+1201{:07}", i % 10'000'000) + (i >= 10'000'000 ? "9" : "");
}

/// Sends `total` requests made by `make(i)` with at most `window` outstanding, then tells
/// `report_to` how many succeeded.
template <class Make>
caf::behavior driver(caf::event_based_actor* self, std::size_t total, std::size_t window,
                     Make make, caf::actor report_to) {
  struct progress {
    std::size_t sent = 0;
    std::size_t answered = 0;
    std::size_t succeeded = 0;
  };
  auto state = std::make_shared<progress>();
  auto send_next = std::make_shared<std::function<void()>>();
  *send_next = [self, state, total, make, report_to, send_next] {
    if (state->sent >= total)
      return;
    auto index = state->sent++;
    make(self, index, [self, state, total, report_to, send_next](bool ok) {
      ++state->answered;
      state->succeeded += ok ? 1 : 0;
      if (state->answered == total)
        self->send(report_to, done_atom::value, state->succeeded);
      else
        (*send_next)();
    });
  };
  for (std::size_t i = 0; i < window && i < total; ++i)
    (*send_next)();
  return {[](done_atom) {}};
}

/// The smallest stateful typed actor: one handler, an int of state. CAF's own floor.
using minimal_actor = caf::typed_actor<caf::reacts_to<int>>;

struct minimal_state {
  static inline const char* name = "minimal";
  int value = 0;
};

minimal_actor::behavior_type minimal(minimal_actor::stateful_pointer<minimal_state> self) {
  return {[self](int x) { self->state.value = x; }};
}

/// Resident bytes per minimal stateful actor, from spawning `count` of them.
double minimal_actor_bytes(std::size_t count, std::size_t workers) {
  caf::actor_system_config config;
  actors::apply_scheduler_settings(config, {workers});
  caf::actor_system system{config};
  std::vector<minimal_actor> actors;
  actors.reserve(count);
  auto before = resident_bytes();
  for (std::size_t i = 0; i < count; ++i)
    actors.push_back(system.spawn(minimal));
  auto after = resident_bytes();
  for (auto& actor : actors)
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  return static_cast<double>(after - before) / static_cast<double>(count);
}

struct figures {
  std::size_t verifications = 0;
  double start_seconds = 0;
  double bytes_per_verification = 0;
  double callbacks_per_second = 0;
};

figures run(std::size_t count, std::size_t workers, std::size_t shards_count) {
  caf::actor_system_config config;
  actors::apply_scheduler_settings(config, {workers});
  caf::actor_system system{config};
  auto settings = std::make_shared<verification_settings>();
  settings->secret = {7, 7, 7, 7};
  settings->hasher = std::make_shared<code_hasher>(std::string_view{"bench secret"});
  settings->send_limit = {1'000'000, std::chrono::milliseconds{60'000}};
  settings->code_ttl = std::chrono::hours{1};
  settings->delivery_timeout = std::chrono::minutes{30};
  directory_setup setup{system.spawn(instant_egress), system.spawn(null_storage), settings, {}};
  auto shards = spawn_phone_directory(system, shards_count, setup);
  caf::scoped_actor self{system};
  figures result;
  result.verifications = count;

  auto before = resident_bytes();
  std::vector<message_record> first_messages(count);
  auto started = clock_type::now();
  self->spawn(driver<std::function<void(caf::event_based_actor*, std::size_t,
                                        std::function<void(bool)>)>>,
              count, 2000,
              [&](caf::event_based_actor* actor, std::size_t i, std::function<void(bool)> done) {
                auto phone = phone_number(i);
                auto key = phone_routing_key(settings->secret, phone);
                actor->request(shard_for(shards, key), caf::infinite, atom::start::value,
                               verification_request{phone, {}, {}, "en"})
                  .then(
                    [&first_messages, i, done](verification_view& view) {
                      first_messages[i] = view.attempts.front();
                      done(true);
                    },
                    [done](caf::error&) { done(false); });
              },
              caf::actor{self});
  self->receive([&](done_atom, std::size_t ok) {
    if (ok != count)
      std::fprintf(stderr, "only %zu of %zu verifications started\n", ok, count);
  });
  result.start_seconds = std::chrono::duration<double>(clock_type::now() - started).count();
  // Let the create answers settle (every message reaches `queued`) before measuring memory.
  std::this_thread::sleep_for(std::chrono::seconds{1});
  auto after = resident_bytes();
  result.bytes_per_verification = static_cast<double>(after - before) / static_cast<double>(count);

  auto callbacks_started = clock_type::now();
  self->spawn(driver<std::function<void(caf::event_based_actor*, std::size_t,
                                        std::function<void(bool)>)>>,
              count, 2000,
              [&](caf::event_based_actor* actor, std::size_t i, std::function<void(bool)> done) {
                const auto& message = first_messages[i];
                auto key = message.id.routing_key();
                auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now());
                actor->request(shard_for(shards, key), caf::infinite, atom::status::value,
                               status_callback{message.id, message.to, "", delivery_status::sent,
                                               0, now})
                  .then([done](caf::ok_atom) { done(true); }, [done](caf::error&) { done(false); });
              },
              caf::actor{self});
  self->receive([](done_atom, std::size_t) {});
  auto callback_seconds =
    std::chrono::duration<double>(clock_type::now() - callbacks_started).count();
  result.callbacks_per_second = static_cast<double>(count) / callback_seconds;
  for (auto& shard : shards)
    caf::anon_send_exit(shard, caf::exit_reason::user_shutdown);
  return result;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"Measures Verity's actor layer: memory per verification, spawn and message rates"};
  std::size_t count = 100'000;
  std::size_t workers = 2;
  std::size_t shards = 16;
  app.add_option("--verifications", count, "verifications in flight")->check(CLI::Range(1, 5'000'000));
  app.add_option("--workers", workers, "CAF scheduler workers")->check(CLI::Range(1, 256));
  app.add_option("--shards", shards, "phone-directory shards")->check(CLI::Range(1, 1024));
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn); // one info line per verification would dominate
  auto floor = minimal_actor_bytes(count, workers);
  auto result = run(count, workers, shards);
  std::printf("verifications in flight      %zu\n", result.verifications);
  std::printf("workers, shards              %zu, %zu\n", workers, shards);
  std::printf("started per second           %.0f (%.2f s; 2 actors each)\n",
              static_cast<double>(count) / result.start_seconds, result.start_seconds);
  std::printf("resident bytes/verification  %.0f (%.2f KiB)\n", result.bytes_per_verification,
              result.bytes_per_verification / 1024.0);
  std::printf("floor: minimal CAF actor       %.0f bytes (two per verification: %.2f KiB)\n",
              floor, 2 * floor / 1024.0);
  std::printf("callbacks per second         %.0f (shard -> phone -> message -> ack)\n",
              result.callbacks_per_second);
  return 0;
}
