#include "net/api/answer_once.hpp"

#include <atomic>
#include <memory>

namespace verity::net {

namespace {

/// The shared state of the copies of one responder.
class once_state {
public:
  explicit once_state(responder respond) : respond_(std::move(respond)) {}
  once_state(const once_state&) = delete;
  once_state& operator=(const once_state&) = delete;

  ~once_state() {
    if (!answered_.exchange(true))
      respond_(error_response(500, "internal", "The request could not be completed."));
  }

  /// Hands `response` on, unless an answer went out already.
  void answer(http_response response) {
    if (!answered_.exchange(true))
      respond_(std::move(response));
  }

private:
  responder respond_;
  std::atomic<bool> answered_{false};
};

} // namespace

responder answer_once(responder respond) {
  auto state = std::make_shared<once_state>(std::move(respond));
  return [state](http_response response) { state->answer(std::move(response)); };
}

} // namespace verity::net
