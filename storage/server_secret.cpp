#include "storage/server_secret.hpp"

#include <fstream>
#include <iterator>
#include <system_error>

#include "engine/code.hpp"

namespace verity::storage {

namespace {

constexpr std::size_t secret_size = 32;
constexpr const char* file_name = "server.secret";

tl::expected<std::vector<std::uint8_t>, std::string> read_secret(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  std::vector<std::uint8_t> secret{std::istreambuf_iterator<char>{in}, {}};
  if (!in.eof() && in.fail())
    return tl::unexpected("cannot read " + path.string());
  if (secret.size() != secret_size)
    return tl::unexpected(path.string() + " holds " + std::to_string(secret.size())
                          + " bytes, expected " + std::to_string(secret_size)
                          + ": restore it from a backup, or delete it to issue a new one"
                          + " (pending codes then stop matching)");
  return secret;
}

tl::expected<std::vector<std::uint8_t>, std::string> create_secret(const std::filesystem::path& path) {
  std::vector<std::uint8_t> secret(secret_size);
  fill_random(secret);
  auto temporary = path;
  temporary += ".new";
  {
    std::ofstream out{temporary, std::ios::binary | std::ios::trunc};
    out.write(reinterpret_cast<const char*>(secret.data()), static_cast<std::streamsize>(secret.size()));
    out.flush();
    if (!out)
      return tl::unexpected("cannot write " + temporary.string());
  }
  std::error_code ec;
  std::filesystem::permissions(temporary, std::filesystem::perms::owner_read
                                            | std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::replace, ec);
  if (!ec)
    std::filesystem::rename(temporary, path, ec);
  if (ec)
    return tl::unexpected("cannot store " + path.string() + ": " + ec.message());
  return secret;
}

} // namespace

tl::expected<std::vector<std::uint8_t>, std::string>
load_server_secret(const std::filesystem::path& data_dir, const std::string& configured) {
  if (!configured.empty())
    return std::vector<std::uint8_t>{configured.begin(), configured.end()};
  auto path = data_dir / file_name;
  std::error_code ec;
  if (std::filesystem::exists(path, ec))
    return read_secret(path);
  return create_secret(path);
}

} // namespace verity::storage
