// Fuzzes storage/codec: every decoder on any bytes must refuse garbage with a reason, never
// crash or overread; what one accepts must re-encode to bytes that decode again and re-encode
// to themselves (decoding normalises, e.g. `read` implies `delivered`, so the first encoding
// may differ from the input; after that it is stable).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "storage/codec.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using verity::fuzz::require;
namespace storage = verity::storage;

/// Decodes `bytes` with `decode`; when it succeeds, checks that re-encoding is stable.
template <class Decode>
void check_decoder(std::string_view bytes, Decode decode) {
  auto decoded = decode(bytes);
  if (!decoded) {
    require(!decoded.error().empty(), "a refusal without a reason");
    return;
  }
  auto first = storage::encode(*decoded);
  auto again = decode(first);
  require(again.has_value(), "a decoder refuses what the encoder wrote");
  require(storage::encode(*again) == first, "re-encoding a decoded record is not stable");
}

/// The history value has its own encoder.
void check_history(std::string_view bytes) {
  auto decoded = storage::decode_history_value(bytes);
  if (!decoded)
    return;
  require(storage::encode_history_value(*decoded) == bytes, "a history value is not canonical");
}

} // namespace

/// Input: one byte choosing the decoder, then the stored bytes.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  std::string_view bytes{reinterpret_cast<const char*>(data) + 1, size - 1};
  switch (data[0] % 4) {
    case 0:
      check_decoder(bytes, storage::decode_verification);
      break;
    case 1:
      check_decoder(bytes, storage::decode_message);
      break;
    case 2:
      check_decoder(bytes, storage::decode_phone);
      break;
    default:
      check_history(bytes);
      break;
  }
  return 0;
}
