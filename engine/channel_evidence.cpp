#include "engine/channel_evidence.hpp"

#include <array>

namespace verity {

namespace {

constexpr std::array<std::string_view, channel_reason_count> reason_names{
  "requested", "auto_default_whatsapp", "auto_phone_not_on_whatsapp",
  "auto_phone_whatsapp_failures", "auto_country_whatsapp_rate"};

} // namespace

void remember(std::vector<whatsapp_evidence>& history, whatsapp_evidence evidence) {
  history.push_back(evidence);
  if (history.size() > whatsapp_evidence_kept)
    history.erase(history.begin(),
                  history.end() - static_cast<std::ptrdiff_t>(whatsapp_evidence_kept));
}

std::string_view to_string(channel_reason reason) {
  return reason_names.at(static_cast<std::size_t>(reason));
}

} // namespace verity
