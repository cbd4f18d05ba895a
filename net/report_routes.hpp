#pragma once

#include <memory>
#include <string>
#include <vector>

namespace verity::net {

class engine_client;
class router;

/// Adds the read-only reports of API v1, behind the Bearer API key check:
/// GET /v1/messages/{id} (a message id "MS..." or a Twilio SID "SM..."/"MM..."; read from
/// storage, 501 `not_implemented` while no storage actor is wired), and GET /v1/stats and
/// GET /v1/phones/{e164}/stats, which answer 501 `not_implemented` until storage keeps the
/// aggregates they report.
void add_report_routes(router& routes, std::shared_ptr<engine_client> engine,
                       std::vector<std::string> api_keys);

} // namespace verity::net
