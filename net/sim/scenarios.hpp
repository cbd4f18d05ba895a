#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "engine/delivery_status.hpp"

/// What the Twilio simulator does with a message, chosen by the last four digits of `To`:
///
/// | To ends in | channel         | what happens                                                |
/// |------------|-----------------|-------------------------------------------------------------|
/// | 0001       | any             | `sent`, then nothing: never delivered (engine's deadline)   |
/// | 0002       | WhatsApp        | `failed` 63003 (not a WhatsApp user); SMS: delivered        |
/// | 0003       | WhatsApp        | `failed` 63016 unless sent with ContentSid (then delivered) |
/// | 0004       | any             | `sent`, then `undelivered` 30003                            |
/// | 0005       | any             | synchronous HTTP 400, code 21211 (invalid To)               |
/// | 0006       | any             | synchronous HTTP 429, code 20429, for the first N tries of  |
/// |            |                 | that number (`--throttle-tries`), then delivered            |
/// | 0007       | any             | every callback is sent twice                                |
/// | 0008       | any             | `delivered` arrives before `sent` (then `read` on WhatsApp) |
/// | 0009       | any             | the first callback arrives before the 201 response          |
/// | 0010       | any             | the 201 comes only after `--slow-ms` (then delivered)       |
/// | 0011       | any             | HTTP 429 (20429), and so is every create request of the     |
/// |            |                 | account for the next `--burst-ms`: a burst of throttling    |
/// | otherwise  | any             | `sent`, `delivered`, then `read` on WhatsApp; or, by rate,  |
/// |            |                 | undelivered 30003 (`--fail-rate`), never delivered          |
/// |            |                 | (`--timeout-rate`), synchronous 429 (`--throttle-rate`)     |
///
/// The initial status (`queued`, or `accepted` through a Messaging Service) is the 201's and
/// gets no callback; through a Messaging Service, `queued` comes as the first callback.
namespace verity::net {

/// A scripted behaviour of the simulator.
enum class sim_scenario {
  normal,              ///< Delivered (and read on WhatsApp).
  never_delivered,     ///< Stays `sent`.
  not_on_whatsapp,     ///< WhatsApp: failed 63003.
  needs_template,      ///< WhatsApp free-form: failed 63016.
  undelivered,         ///< Undelivered 30003.
  invalid_number,      ///< Synchronous 21211.
  throttled,           ///< Synchronous 429 (20429).
  duplicate_callbacks, ///< Each callback twice.
  out_of_order,        ///< Delivered before sent.
  callback_first,      ///< First callback before the 201 response.
  slow_answer,         ///< The 201 comes late.
  throttle_burst,      ///< 429, and the whole account throttled for a while.
};

/// The table above as text, for `verity-twilio-sim --help`.
std::string_view sim_scenario_table();

/// The scenario the table above gives a number (E.164, any "whatsapp:" prefix removed);
/// nothing when its last four digits pick none.
std::optional<sim_scenario> scenario_for_number(std::string_view e164);

/// Outcome rates for numbers the table does not script (benchmarks).
struct sim_mix {
  double fail_rate = 0;           ///< Share undelivered (30003).
  double timeout_rate = 0;        ///< Share never delivered.
  double throttle_rate = 0;       ///< Share answered 429 at once.
  std::uint32_t throttle_tries = 2; ///< Tries a "...0006" number is throttled before success.
  std::chrono::milliseconds slow_delay{15'000}; ///< How late a "...0010" number's 201 comes.
  std::chrono::milliseconds burst{1'000}; ///< How long a "...0011" request throttles the account.
};

/// One status callback of a plan.
struct planned_callback {
  delivery_status status = delivery_status::sent;
  std::uint32_t error_code = 0; ///< For failed / undelivered.
  bool repeat = false;          ///< A duplicate: sent right after the previous one.
};

/// What the simulator answers to one valid create request, then sends.
struct sim_plan {
  int http_status = 201;          ///< 201, or the synchronous error's status.
  std::uint32_t error_code = 0;   ///< The synchronous error's code.
  bool callback_first = false;    ///< Answer only once the first callback was answered.
  std::chrono::milliseconds answer_delay{0}; ///< Hold the 201 this long, callbacks after it.
  std::vector<planned_callback> callbacks; ///< In the order they are sent.
};

/// The facts about a request a plan depends on.
struct sim_request_kind {
  bool whatsapp = false;
  bool with_template = false; ///< ContentSid was given.
  bool via_service = false;   ///< MessagingServiceSid was given (initial status `accepted`).
};

/// The plan of `scenario` for a request of `kind`; `slow_delay` is how late a slow answer is.
sim_plan plan_scenario(sim_scenario scenario, const sim_request_kind& kind,
                       std::chrono::milliseconds slow_delay = std::chrono::milliseconds{0});

/// Chooses plans: a throttling burst in progress first, then the number table, then the rates
/// (seeded, so a run repeats). Counts tries of throttled numbers. Thread-safe.
class sim_director {
public:
  /// The clock bursts are timed on.
  using clock = std::chrono::steady_clock;

  /// `seed` 0 picks a random seed.
  sim_director(sim_mix mix, std::uint64_t seed);

  /// The plan for a request to `e164` (no "whatsapp:") arriving at `now`.
  sim_plan decide(const std::string& e164, const sim_request_kind& kind, clock::time_point now);

private:
  sim_scenario choose(const std::string& e164, clock::time_point now);

  sim_mix mix_;
  std::mutex mutex_;
  std::mt19937_64 random_;                     ///< Guarded by mutex_.
  std::map<std::string, std::uint32_t> tries_; ///< Guarded by mutex_: throttled numbers.
  clock::time_point throttled_until_{};        ///< Guarded by mutex_: end of the burst.
};

} // namespace verity::net
