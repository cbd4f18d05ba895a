#include "tests/support/child_process.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace verity::test {

namespace {

/// The current environment with `overrides` applied, as "NAME=value" strings.
std::vector<std::string> merged_environment(const std::map<std::string, std::string>& overrides) {
  std::map<std::string, std::string> merged;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view text{*entry};
    auto equals = text.find('=');
    if (equals != std::string_view::npos)
      merged[std::string{text.substr(0, equals)}] = std::string{text.substr(equals + 1)};
  }
  for (const auto& [name, value] : overrides)
    merged[name] = value;
  std::vector<std::string> result;
  for (const auto& [name, value] : merged)
    result.push_back(name + "=" + value);
  return result;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& text : strings)
    result.push_back(text.data());
  result.push_back(nullptr);
  return result;
}

} // namespace

child_process::child_process(const std::string& program, const std::vector<std::string>& arguments,
                             const std::map<std::string, std::string>& environment) {
  std::array<int, 2> pipe_fds{};
  if (pipe2(pipe_fds.data(), O_CLOEXEC) != 0)
    throw std::runtime_error(std::string{"pipe: "} + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), arguments.begin(), arguments.end());
  auto argv = pointers(argv_strings);
  auto env_strings = merged_environment(environment);
  auto envp = pointers(env_strings);
  auto rc = posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (rc != 0) {
    close(pipe_fds[0]);
    throw std::runtime_error("cannot start " + program + ": " + std::strerror(rc));
  }
  stderr_fd_ = pipe_fds[0];
  reader_ = std::thread{[this] { read_stderr(); }};
}

child_process::~child_process() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (reader_.joinable())
    reader_.join(); // the pipe closed with the child
  close(stderr_fd_);
}

void child_process::read_stderr() {
  std::array<char, 4096> buffer{};
  for (;;) {
    auto got = read(stderr_fd_, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR)
      continue;
    std::lock_guard lock{mutex_};
    if (got <= 0) {
      closed_ = true;
      changed_.notify_all();
      return;
    }
    output_.append(buffer.data(), static_cast<std::size_t>(got));
    changed_.notify_all();
  }
}

std::string child_process::output() const {
  std::lock_guard lock{mutex_};
  return output_;
}

std::optional<std::string> child_process::wait_for_line(const std::regex& pattern,
                                                        std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock{mutex_};
  for (;;) {
    for (auto end = output_.find('\n', scanned_); end != std::string::npos;
         end = output_.find('\n', scanned_)) {
      std::string line = output_.substr(scanned_, end - scanned_);
      scanned_ = end + 1;
      std::smatch match;
      if (std::regex_search(line, match, pattern))
        return match.size() > 1 ? match[1].str() : match[0].str();
    }
    if (closed_)
      return std::nullopt;
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout)
      return std::nullopt;
  }
}

std::optional<int> child_process::stop(int signal, std::chrono::milliseconds timeout) {
  if (pid_ <= 0)
    return std::nullopt;
  auto pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0)); // no C++ declaration in glibc 2.36
  kill(pid_, signal);
  if (pidfd >= 0) {
    pollfd descriptor{pidfd, POLLIN, 0};
    poll(&descriptor, 1, static_cast<int>(timeout.count()));
    close(pidfd);
  }
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_)
    return std::nullopt;
  pid_ = -1;
  return status;
}

std::string build_directory() {
  return std::filesystem::canonical("/proc/self/exe").parent_path().string();
}

} // namespace verity::test
