#pragma once

#include <memory>
#include <string>
#include <vector>

#include "net/api/secret_store.hpp"

namespace verity::net {

class actor_gateway;
class router;

/// Adds the read-only reports of API v1, behind the Bearer API key check:
/// GET /v1/messages/{id} (a message id "MS..." or a Twilio SID "SM..."/"MM..."; read from
/// storage), GET /v1/stats?days=N (1..365, default 30) and GET /v1/phones/{e164}/stats?days=N
/// (1..90, default 7), read from storage's counters and phone index. Each answers 501
/// `not_implemented` while no storage actor is wired.
void add_report_routes(router& routes, std::shared_ptr<actor_gateway> engine,
                       std::shared_ptr<const secret_store> secrets);

} // namespace verity::net
