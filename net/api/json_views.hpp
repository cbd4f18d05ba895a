#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "engine/delivery_status.hpp"
#include "engine/verification.hpp"

namespace verity::net {

/// An RFC 3339 UTC time with milliseconds: "2026-01-21T10:00:00.123Z".
std::string format_time(timestamp at);

/// The API's name of a delivery status: the engine's `created` (the create request is on its
/// way to Twilio) reads "sending"; every other status keeps its own name.
std::string_view api_delivery_state(delivery_status status);

/// The verification resource of API v1, the body of every answer that carries it (a create's
/// 201, a status read): id, to (masked), status, channel, fallback, created_at, expires_at,
/// delivery {state, channel, message_id, twilio_sid, error_code, error_description} of the
/// latest attempt, attempts[] (as attempt_json) and poll_url. Written straight into a string,
/// as `to_body` would dump it (keys sorted, compact, the same escaping and numbers): building
/// an nlohmann object and dumping it was over half the cost of a status read.
std::string verification_body(const verification_view& view);

/// What a person reads about a message never sent for `reason` ("" for none).
std::string_view describe_not_sent(not_sent_reason reason);

/// One `attempts[]` entry: message_id, channel, twilio_sid, status (as `api_delivery_state`),
/// not_sent_reason (null, or why its deadline found it still in Verity's egress queue: it was
/// never sent, and reads `timed_out`), error_code, error_description, timestamps {created, queued, sent, delivered, read, failed}
/// (null when not seen; `failed` is the first failure of any kind), delivery_ms (created to
/// delivered) and history [{status, at}] with each status once, oldest first, under the
/// engine's own names (so `created` and Twilio's `sending` stay apart). The entry as
/// verification_body writes it, read back, so that the two cannot differ.
nlohmann::json attempt_json(const message_record& message);

/// A message receipt (GET /v1/messages): the attempt plus `to` (masked) and `verification_id`.
nlohmann::json message_json(const message_record& message);

/// The answer to a code check: {status, valid} plus attempts_left when the code was wrong.
nlohmann::json check_json(const check_result& result);

} // namespace verity::net
