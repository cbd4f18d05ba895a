#include "bench/load_setup.hpp"

#include <algorithm>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench/verity_scenarios.hpp"

namespace verity::bench {

namespace {

/// The string `key` of `object`, or "" when it is absent, null or not a string.
std::string text_of(const nlohmann::json& object, const char* key) {
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

/// A verification resource answered with `status` (expected: `expected`), or null when the
/// answer is another status or not one.
nlohmann::json resource_of(unsigned status, unsigned expected, const std::string& body) {
  if (status != expected)
    return nullptr;
  auto resource = nlohmann::json::parse(body, nullptr, false);
  auto attempts = resource.is_object() ? resource.find("attempts") : resource.end();
  if (attempts == resource.end() || !attempts->is_array() || attempts->empty())
    return nullptr;
  return resource;
}

/// Sends verifications and keeps what each 201 answer says.
class recording_sends final : public scenario {
public:
  recording_sends(const setup_plan& plan, std::vector<created_verification>& out)
    : sends_(send_verifications(plan.api_key, plan.first, plan.fate, "whatsapp")),
      first_(plan.first), fate_(plan.fate), out_(out) {
    out_.resize(plan.count);
  }

  load_request request(std::uint64_t sequence) const override {
    return sends_->request(sequence);
  }

  void answered(std::uint64_t sequence, unsigned status, const std::string& body) override {
    auto resource = resource_of(status, 201, body);
    if (resource.is_null())
      return;
    const auto& attempt = resource["attempts"][0];
    out_[sequence] = {text_of(resource, "id"), text_of(attempt, "message_id"),
                      bench_phone(first_ + sequence, fate_), text_of(attempt, "twilio_sid")};
  }

private:
  std::unique_ptr<scenario> sends_;
  std::uint64_t first_;
  phone_fate fate_;
  std::vector<created_verification>& out_;
};

/// Sends through the compatibility route and keeps each answer's Twilio SID.
class recording_compat_sends final : public scenario {
public:
  recording_compat_sends(const setup_plan& plan, std::vector<created_verification>& out)
    : sends_(compat_sends(plan.first, plan.fate, "whatsapp")), first_(plan.first),
      fate_(plan.fate), out_(out) {
    out_.resize(plan.count);
  }

  load_request request(std::uint64_t sequence) const override {
    return sends_->request(sequence);
  }

  void answered(std::uint64_t sequence, unsigned status, const std::string& body) override {
    if (status != 200)
      return;
    auto answer = nlohmann::json::parse(body, nullptr, false);
    if (answer.is_object() && answer.value("success", false))
      out_[sequence] = {"", "", bench_phone(first_ + sequence, fate_), text_of(answer, "messageSid")};
  }

private:
  std::unique_ptr<scenario> sends_;
  std::uint64_t first_;
  phone_fate fate_;
  std::vector<created_verification>& out_;
};

/// Reads verifications back and fills in the Twilio SIDs their answers show.
class sid_reads final : public scenario {
public:
  sid_reads(const std::string& api_key, std::vector<created_verification>& created)
    : reads_(status_reads(api_key, created)), created_(created) {}

  load_request request(std::uint64_t sequence) const override {
    return reads_->request(sequence);
  }

  void answered(std::uint64_t sequence, unsigned status, const std::string& body) override {
    auto resource = resource_of(status, 200, body);
    if (!resource.is_null())
      created_[sequence % created_.size()].twilio_sid =
        text_of(resource["attempts"][0], "twilio_sid");
  }

private:
  std::unique_ptr<scenario> reads_;
  std::vector<created_verification>& created_;
};

/// A setup run: one thread, closed loop, `count` requests.
load_plan setup_load(load_plan load, std::uint64_t count) {
  load.rate = 0;
  load.threads = 1;
  load.duration = std::chrono::hours{1};
  load.requests = count;
  return load;
}

} // namespace

std::vector<created_verification> create_verifications(const setup_plan& plan) {
  std::vector<created_verification> created;
  recording_sends sends{plan, created};
  auto sent = run_load(setup_load(plan.load, plan.count), sends, "setup: create");
  std::erase_if(created, [](const created_verification& v) { return v.message_id.empty(); });
  fmt::print(stderr, "{}setup: {} of {} verifications created\n", to_text(sent), created.size(),
             plan.count);
  if (created.empty())
    return created;
  std::this_thread::sleep_for(std::chrono::seconds{1}); // let the create responses land
  sid_reads reads{plan.api_key, created};
  run_load(setup_load(plan.load, created.size()), reads, "setup: read back");
  auto with_sid = std::count_if(created.begin(), created.end(),
                                [](const created_verification& v) { return !v.twilio_sid.empty(); });
  fmt::print(stderr, "setup: {} of them have a Twilio SID\n", with_sid);
  return created;
}

std::vector<created_verification> create_compat_messages(const setup_plan& plan) {
  std::vector<created_verification> created;
  recording_compat_sends sends{plan, created};
  auto sent = run_load(setup_load(plan.load, plan.count), sends, "setup: compat create");
  std::erase_if(created, [](const created_verification& v) { return v.twilio_sid.empty(); });
  fmt::print(stderr, "{}setup: {} of {} messages created\n", to_text(sent), created.size(),
             plan.count);
  return created;
}

} // namespace verity::bench
