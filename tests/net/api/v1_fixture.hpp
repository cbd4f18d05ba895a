#pragma once

#include "tests/net/api/api_fixture.hpp"

namespace verity::net::test {

/// The number most API v1 route tests start verifications for.
inline constexpr const char* phone = "+12015550123";

/// API v1 over scripted fake shards.
class api_v1_routes_test : public api_fixture {
protected:
  /// Scripts `start` to answer a fresh verification of the requested phone.
  void start_answers(delivery_status state = delivery_status::created) {
    engine->start.answer_with([this, state](const verification_request& request) {
      return answer(make_view(request.phone, state));
    });
  }

  /// Scripts `get` to answer `view` whatever the query.
  void get_answers(verification_view view) {
    engine->get.answer_with([view](const verification_query&) { return answer(view); });
  }
};

} // namespace verity::net::test
