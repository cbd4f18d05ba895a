#pragma once

// What a check or a cancel answers for a verification without live work (it ended, or no
// phone actor holds it): decided by its status, read from storage when no actor holds it.

#include <functional>

#include <caf/typed_response_promise.hpp>

#include "actors/actors.hpp"

namespace verity {

/// The error a check of a verification no longer pending gets: `ec::max_attempts_reached`
/// once wrong checks locked it (for every later check, the right code included), else
/// `ec::not_found` (expired, approved, canceled; also a pending one no actor holds).
ec check_error_after_end(verification_status status);

/// The error a cancel of a verification in `status` gets, `ec::none` when it may be canceled
/// (pending) or answered again (already canceled): `ec::invalid_request` for one approved or
/// ended otherwise.
ec cancel_error(verification_status status);

/// Reads verification `id` from `storage` with `self` and hands the view to `then`, or
/// delivers the read's error (`ec::not_found` when unknown) through `promise` and skips it.
template <class Self, class Answer, class Then>
void read_ended(Self* self, const storage_actor& storage, const verification_id& id,
                caf::typed_response_promise<Answer> promise, Then then) {
  self->request(storage, caf::infinite, atom::load::value, id)
    .then([promise, then](verification_view& view) mutable { then(view, promise); },
          [promise](caf::error& err) mutable { promise.deliver(std::move(err)); });
}

/// Answers a check of `id`, which no actor holds, from its stored status (see
/// check_error_after_end); runs `done` once answered.
template <class Self>
caf::result<check_result> check_from_storage(Self* self, const storage_actor& storage,
                                             const verification_id& id,
                                             std::function<void()> done = [] {}) {
  auto promise = self->template make_response_promise<check_result>();
  read_ended(self, storage, id, promise,
             [done](const verification_view& view, auto& answer) {
               answer.deliver(caf::make_error(check_error_after_end(view.verification.status)));
               done();
             });
  return promise;
}

/// Answers a cancel of `id`, which no actor holds, from storage: a canceled one answers its
/// view again; an approved or otherwise ended one `ec::invalid_request`; a pending one (no
/// actor holds it, so it is not live) `ec::not_found`. Runs `done` once answered.
template <class Self>
caf::result<verification_view> cancel_from_storage(Self* self, const storage_actor& storage,
                                                   const verification_id& id,
                                                   std::function<void()> done = [] {}) {
  auto promise = self->template make_response_promise<verification_view>();
  read_ended(self, storage, id, promise, [done](verification_view& view, auto& answer) {
    auto status = view.verification.status;
    if (status == verification_status::canceled)
      answer.deliver(std::move(view));
    else if (status == verification_status::pending)
      answer.deliver(caf::make_error(ec::not_found));
    else
      answer.deliver(caf::make_error(cancel_error(status)));
    done();
  });
  return promise;
}

} // namespace verity
