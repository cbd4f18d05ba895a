// Measures the storage's group commit: how many durable commits and how many persist requests
// (writes) per second one writer thread achieves for groups of 1, 2, 4, ... 1024 requests, with
// fsync on and off, through Verity's storage backend on a real RocksDB in a temporary
// directory. It also measures this machine's raw fdatasync, the floor under every synced commit.
//
//   build/verity-bench-storage --seconds 0.4

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "storage/rocksdb_backend.hpp"

namespace {

using namespace verity;
using clock_type = std::chrono::steady_clock;
using seconds = std::chrono::duration<double>;

/// A uniquely named directory under the system's temporary directory, removed on destruction.
class scratch_directory {
public:
  scratch_directory() {
    std::random_device seed;
    path_ = std::filesystem::temp_directory_path()
            / ("verity-bench-storage-" + std::to_string(seed()) + std::to_string(seed()));
    std::filesystem::create_directories(path_);
  }
  ~scratch_directory() {
    std::error_code ignored; // a leftover temp dir is harmless; a destructor cannot report
    std::filesystem::remove_all(path_, ignored);
  }
  scratch_directory(const scratch_directory&) = delete;
  scratch_directory& operator=(const scratch_directory&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

private:
  std::filesystem::path path_;
};

/// What starting a verification persists: the verification and its first message.
write_batch start_batch(std::size_t n) {
  auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(
    std::chrono::system_clock::now());
  verification_record verification;
  verification.id = verification_id::generate(static_cast<std::uint32_t>(n));
  verification.phone = fmt::format("+1201{:07}", n % 10'000'000);
  verification.created_at = now;
  verification.expires_at = now + std::chrono::minutes{10};
  verification.messages.push_back(message_id::generate());
  message_record message;
  message.id = verification.messages.front();
  message.verification = verification.id;
  message.to = verification.phone;
  message.delivery.merge({delivery_status::created, now, 0});
  write_batch batch;
  batch.verifications.push_back(std::move(verification));
  batch.messages.push_back({std::move(message), std::nullopt});
  return batch;
}

/// One row of the table.
struct group_figures {
  std::size_t group = 0;
  double commits_per_second = 0;
  double writes_per_second = 0;
  double microseconds_per_commit = 0;
};

/// Commits groups of `group` start batches for about `budget` (at least 3 commits). Building
/// the batches is left out of the timing; adding them to the group (encoding, counting the
/// stats) and writing are in.
/// `next` numbers the verifications, so that every write is a new one.
group_figures measure_groups(storage::backend& commits, std::size_t group, seconds budget,
                             std::size_t& next) {
  std::size_t done = 0;
  clock_type::duration spent{};
  while (done < 3 || spent < budget) {
    std::vector<write_batch> batches;
    for (std::size_t i = 0; i < group; ++i)
      batches.push_back(start_batch(next++));
    auto start = clock_type::now();
    for (const auto& batch : batches)
      if (auto added = commits.add(batch); !added)
        throw std::runtime_error(added.error());
    if (auto written = commits.commit(); !written)
      throw std::runtime_error(written.error());
    spent += clock_type::now() - start;
    ++done;
  }
  auto elapsed = std::chrono::duration_cast<seconds>(spent).count();
  return {group, done / elapsed, static_cast<double>(done * group) / elapsed,
          elapsed * 1e6 / static_cast<double>(done)};
}

/// Mean microseconds of one 4 KiB overwrite + fdatasync of a file in `directory`.
double fdatasync_microseconds(const std::filesystem::path& directory, seconds budget) {
  auto path = directory / "fdatasync-probe";
  int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
  if (fd < 0)
    throw std::runtime_error("cannot create " + path.string());
  std::string page(4096, 'x');
  std::size_t done = 0;
  auto start = clock_type::now();
  while (done < 10 || clock_type::now() - start < budget) {
    if (::pwrite(fd, page.data(), page.size(), 0) != static_cast<ssize_t>(page.size())
        || ::fdatasync(fd) != 0) {
      ::close(fd);
      throw std::runtime_error("cannot write and sync " + path.string());
    }
    ++done;
  }
  auto elapsed = std::chrono::duration_cast<seconds>(clock_type::now() - start).count();
  ::close(fd);
  return elapsed * 1e6 / static_cast<double>(done);
}

/// Measures every group size with `sync` on a fresh database.
std::vector<group_figures> measure_all(bool sync, std::size_t max_group, seconds budget) {
  scratch_directory directory;
  storage::rocksdb_options options;
  options.sync = sync;
  auto backend = storage::rocksdb_backend::open(directory.path(), options);
  if (!backend)
    throw std::runtime_error(backend.error());
  std::vector<group_figures> rows;
  std::size_t next = 0;
  for (std::size_t group = 1; group <= max_group; group *= 2)
    rows.push_back(measure_groups(**backend, group, budget, next));
  return rows;
}

void print_table(const std::vector<group_figures>& synced,
                 const std::vector<group_figures>& unsynced) {
  std::puts("| group | sync on: commits/s | sync on: writes/s | sync on: us/commit "
            "| sync off: commits/s | sync off: writes/s | sync off: us/commit |");
  std::puts("|---:|---:|---:|---:|---:|---:|---:|");
  for (std::size_t i = 0; i < synced.size(); ++i) {
    const auto& on = synced[i];
    const auto& off = unsynced[i];
    std::fputs(fmt::format("| {} | {:.0f} | {:.0f} | {:.0f} | {:.0f} | {:.0f} | {:.0f} |\n",
                           on.group, on.commits_per_second, on.writes_per_second,
                           on.microseconds_per_commit, off.commits_per_second,
                           off.writes_per_second, off.microseconds_per_commit)
                 .c_str(),
               stdout);
  }
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"Group commits and writes per second of Verity's storage, fsync on and off."};
  double budget = 0.4;
  std::size_t max_group = 1024;
  app.add_option("--seconds", budget, "Time measured per group size and sync mode")
    ->check(CLI::PositiveNumber);
  app.add_option("--max-group", max_group, "Largest group (sizes double from 1)")
    ->check(CLI::Range(1, 1 << 16));
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  try {
    scratch_directory probe;
    auto sync_us = fdatasync_microseconds(probe.path(), seconds{budget});
    auto synced = measure_all(true, max_group, seconds{budget});
    auto unsynced = measure_all(false, max_group, seconds{budget});
    std::fputs(fmt::format("raw fdatasync (4 KiB overwrite) in {}: {:.0f} us, at most {:.0f} "
                           "synced commits/s\n\n",
                           std::filesystem::temp_directory_path().string(), sync_us,
                           1e6 / sync_us)
                 .c_str(),
               stdout);
    print_table(synced, unsynced);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "verity-bench-storage: %s\n", error.what());
    return 1;
  }
  return 0;
}
