#pragma once

namespace verity::net {

class router;
struct api_context;

/// Adds every engine-facing route to `routes`: API v1 (verifications and reports), the seed
/// application's compatibility API, the Twilio webhooks, the OpenAPI document describing them
/// (GET /openapi.json) and, when VERITY_DEMO is on, the demo page with its routes. The routes share one engine client
/// (one actor bridge with the in-flight cap of `context.limits`); `routes` keeps them alive, so
/// it must outlive the HTTP server and be destroyed before `context.system`.
void add_api_routes(router& routes, const api_context& context);

} // namespace verity::net
