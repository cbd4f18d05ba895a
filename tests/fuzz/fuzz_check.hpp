#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace verity::fuzz {

/// Stops the fuzzer with `what` when a property does not hold: libFuzzer keeps the input.
inline void require(bool holds, std::string_view what) {
  if (holds)
    return;
  std::fprintf(stderr, "fuzz property violated: %.*s\n", static_cast<int>(what.size()),
               what.data());
  std::abort();
}

} // namespace verity::fuzz
