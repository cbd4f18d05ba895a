#pragma once

#include <memory>
#include <string>
#include <vector>

#include "net/api/secret_store.hpp"

namespace verity {
class metrics;
} // namespace verity

namespace verity::net {

class actor_gateway;
class router;

/// What the Twilio webhooks need besides the engine.
struct webhook_settings {
  std::string public_url;               ///< VERITY_PUBLIC_URL: signatures cover it + the target.
  std::shared_ptr<const secret_store> secrets; ///< The Twilio tokens signatures may use.
  metrics* recorder = nullptr;          ///< Counts callbacks refused for their signature.
};

/// Adds the Twilio webhooks, each checking X-Twilio-Signature over the public URL plus the
/// request target (400 when missing, 403 when wrong) and taking only form bodies (415):
/// - POST /v1/webhooks/twilio/status, and its compatibility alias
///   POST /api/referrals/sms-status-callback: a status callback for the message named by the
///   callback URL's `message_id` query parameter (without one, by its MessageSid through the
///   storage index), routed by its recipient (`To`). Answered 200 once the engine acknowledged
///   it durably; unknown statuses, recipients and messages are answered 200 and ignored
///   (logged), as a retry would not help.
/// - POST /v1/webhooks/twilio/inbound: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT opt the
///   sender out; START, UNSTOP, YES opt it back in (the trimmed Body, any case); a "whatsapp:"
///   sender opens the WhatsApp window. Answers `<Response/>` as text/xml once acknowledged.
void add_webhook_routes(router& routes, std::shared_ptr<actor_gateway> engine,
                        webhook_settings settings);

} // namespace verity::net
