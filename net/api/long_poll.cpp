#include "net/api/long_poll.hpp"

#include <algorithm>

#include "net/api/json_views.hpp"

namespace verity::net {

namespace {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

/// One long poll in progress.
struct poll_state {
  std::shared_ptr<actor_gateway> engine;
  verification_id id;
  clock::time_point deadline;
  engine_callback<verification_view> done;
};

/// The wait left until the poll's deadline.
milliseconds time_left(const poll_state& poll) {
  auto left = std::chrono::duration_cast<milliseconds>(poll.deadline - clock::now());
  return std::max(left, milliseconds{0});
}

/// Asks for the next change from `seen` and decides, on the answer, whether to go on.
void wait_for_change(std::shared_ptr<poll_state> poll, delivery_status seen) {
  verification_query query{poll->id, time_left(*poll), seen};
  auto engine = poll->engine;
  engine->get(query, [poll = std::move(poll), seen](engine_result<verification_view> result) {
    if (!result)
      return poll->done(std::move(result));
    auto now_state = result->latest_delivery();
    bool same_for_client = api_delivery_state(now_state) == api_delivery_state(seen);
    if (!same_for_client || now_state == seen || time_left(*poll) == milliseconds{0})
      return poll->done(std::move(result));
    wait_for_change(poll, now_state);
  });
}

} // namespace

void long_poll(std::shared_ptr<actor_gateway> engine, verification_id id,
               std::optional<delivery_status> seen, milliseconds wait,
               engine_callback<verification_view> done) {
  wait = std::min(wait, engine->max_wait());
  auto poll = std::make_shared<poll_state>(
    poll_state{engine, id, clock::now() + wait, std::move(done)});
  if (seen && wait > milliseconds{0})
    return wait_for_change(std::move(poll), *seen);
  engine->get({id, milliseconds{0}, seen}, [poll](engine_result<verification_view> result) {
    if (!result || time_left(*poll) == milliseconds{0})
      return poll->done(std::move(result));
    wait_for_change(poll, result->latest_delivery());
  });
}

} // namespace verity::net
