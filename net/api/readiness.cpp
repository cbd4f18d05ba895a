#include "net/api/readiness.hpp"

#include <algorithm>
#include <utility>

namespace verity::net {

bool readiness_report::ready() const {
  return !stopping
         && std::all_of(checks.begin(), checks.end(), [](const auto& item) { return item.passed; });
}

std::vector<std::string> readiness_report::reasons() const {
  std::vector<std::string> result;
  for (const auto& item : checks)
    if (!item.passed)
      result.push_back(item.name + ": " + item.state);
  if (stopping)
    result.emplace_back("shutting down");
  return result;
}

cached_check::cached_check(async_check run, std::chrono::milliseconds max_age)
  : run_(std::move(run)), max_age_(max_age) {}

void cached_check::read(std::function<void(check_outcome)> done) {
  std::unique_lock lock{mutex_};
  if (last_ && clock::now() - last_at_ < max_age_) {
    auto outcome = *last_;
    lock.unlock();
    return done(std::move(outcome));
  }
  waiters_.push_back(std::move(done));
  if (std::exchange(running_, true))
    return;
  lock.unlock();
  run_([self = shared_from_this()](check_outcome outcome) { self->finish(std::move(outcome)); });
}

void cached_check::finish(check_outcome outcome) {
  std::vector<std::function<void(check_outcome)>> waiting;
  {
    std::lock_guard lock{mutex_};
    last_ = outcome;
    last_at_ = clock::now();
    running_ = false;
    waiting.swap(waiters_);
  }
  for (auto& waiter : waiting)
    waiter(outcome);
}

readiness::readiness(readiness_sources sources)
  : sources_(std::move(sources)),
    storage_(std::make_shared<cached_check>(sources_.storage, sources_.storage_max_age)) {}

void readiness::report(std::function<void(readiness_report)> done) {
  readiness_report report{sources_.twilio, {}, sources_.stopping()};
  auto egress = sources_.egress();
  bool recovered = sources_.recovered();
  storage_->read([report = std::move(report), egress = std::move(egress), recovered,
                  done = std::move(done)](check_outcome storage) mutable {
    report.checks = {{"storage", storage.value_or("ok"), !storage},
                     {"egress", egress.value_or("ok"), !egress},
                     {"recovery", recovered ? "done" : "running", recovered}};
    done(std::move(report));
  });
}

} // namespace verity::net
