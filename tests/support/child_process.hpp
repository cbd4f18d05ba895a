#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>

namespace verity::test {

/// A program started by a test, with its standard error captured by a reader thread (so the
/// child never blocks on a full pipe). The destructor kills it (SIGKILL) and reaps it, so no
/// test leaves a process behind.
class child_process {
public:
  /// Starts `program` with `arguments` and the current environment plus `environment`.
  /// Throws std::runtime_error when it cannot be started.
  child_process(const std::string& program, const std::vector<std::string>& arguments,
                const std::map<std::string, std::string>& environment);
  ~child_process();

  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// Reads standard error until a line matches `pattern`, the process exits or `timeout`
  /// passes. Returns the first capture group (or the whole match) when found.
  std::optional<std::string> wait_for_line(const std::regex& pattern,
                                           std::chrono::milliseconds timeout);

  /// Sends `signal` and waits up to `timeout` for the exit. Returns the exit status as
  /// `waitpid` reports it, or nullopt if the process did not exit in time.
  std::optional<int> stop(int signal, std::chrono::milliseconds timeout);

  /// The process id, for signals the test sends itself.
  pid_t pid() const noexcept { return pid_; }

  /// Everything read from standard error so far.
  std::string output() const;

private:
  /// Appends standard error to `output_` until the child closes it.
  void read_stderr();

  pid_t pid_ = -1;
  int stderr_fd_ = -1;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string output_;      ///< Guarded by mutex_.
  bool closed_ = false;     ///< Guarded by mutex_: standard error reached its end.
  std::size_t scanned_ = 0; ///< Lines before this offset were already matched against.
  std::thread reader_;
};

/// The directory of the running test binary (where CMake puts the other executables too).
std::string build_directory();

} // namespace verity::test
