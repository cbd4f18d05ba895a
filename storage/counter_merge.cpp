#include "storage/counter_merge.hpp"

#include <rocksdb/merge_operator.h>

namespace verity::storage {

namespace {

/// Adds int64 counters (see the header).
class counter_merge final : public rocksdb::AssociativeMergeOperator {
public:
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger*) const override {
    std::uint64_t sum = 0;
    if (existing) {
      auto current = decode_counter(existing->ToStringView());
      if (!current)
        return false;
      sum = static_cast<std::uint64_t>(*current);
    }
    auto delta = decode_counter(value.ToStringView());
    if (!delta)
      return false;
    sum += static_cast<std::uint64_t>(*delta);
    *new_value = encode_counter(static_cast<std::int64_t>(sum));
    return true;
  }

  const char* Name() const override { return "verity.counter_add"; }
};

} // namespace

std::string encode_counter(std::int64_t value) {
  auto bits = static_cast<std::uint64_t>(value);
  std::string out(8, '\0');
  for (auto& byte : out) {
    byte = static_cast<char>(bits & 0xff);
    bits >>= 8;
  }
  return out;
}

std::optional<std::int64_t> decode_counter(std::string_view bytes) {
  if (bytes.size() != 8)
    return std::nullopt;
  std::uint64_t bits = 0;
  for (std::size_t i = bytes.size(); i-- > 0;)
    bits = bits << 8 | static_cast<std::uint8_t>(bytes[i]);
  return static_cast<std::int64_t>(bits);
}

std::shared_ptr<rocksdb::MergeOperator> make_counter_merge() {
  return std::make_shared<counter_merge>();
}

} // namespace verity::storage
