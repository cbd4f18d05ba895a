#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace verity::storage {

/// The server secret that keys code hashes and routing keys: `configured` (VERITY_CODE_SECRET)
/// when set, else 32 random bytes kept in `<data_dir>/server.secret` (created on first start,
/// readable by the owner only). It must survive restarts: codes of recovered verifications are
/// checked against hashes made with it.
tl::expected<std::vector<std::uint8_t>, std::string>
load_server_secret(const std::filesystem::path& data_dir, const std::string& configured);

} // namespace verity::storage
