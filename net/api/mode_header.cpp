#include "net/api/mode_header.hpp"

#include <utility>

namespace verity::net {

twilio_mode_stamp::twilio_mode_stamp(request_handler& inner, std::string_view mode)
  : inner_(inner), mode_(mode) {}

void twilio_mode_stamp::handle(http_request request, responder respond) {
  inner_.handle(std::move(request), [mode = mode_, respond = std::move(respond)](
                                      http_response answer) {
    answer.headers.emplace_back(std::string{twilio_mode_header}, mode);
    respond(std::move(answer));
  });
}

} // namespace verity::net
