#pragma once

#include "net/http/message.hpp"

namespace verity::net {

/// Wraps `respond` so that the request is answered exactly once whatever the route does: a
/// second answer is dropped, and when the last copy of the returned responder is destroyed
/// without having answered (a handler threw, or a callback was lost), the request gets 500
/// `internal`. Copies share one state; safe from any thread.
responder answer_once(responder respond);

} // namespace verity::net
