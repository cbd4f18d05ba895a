# Sourced by scripts/sanitize.sh and scripts/fuzz.sh: configures a clang build of Verity with
# sanitizers. Usage: configure_instrumented <build dir> <sanitizers> [cmake arguments...]
configure_instrumented() {
  local build_dir=$1 sanitizers=$2
  shift 2
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
    -DVERITY_SANITIZE="$sanitizers" -DVERITY_WERROR=ON "${launcher[@]}" "$@" >/dev/null
}

# The ASan + UBSan build directory both scripts share: it also carries libFuzzer's coverage
# instrumentation, so the project is compiled once for the sanitizer suite and the fuzzers.
configure_asan() {
  configure_instrumented "$1" address,undefined -DVERITY_FUZZ=ON
}

# Sanitizer reports name files and lines through llvm-symbolizer (Debian installs it as
# llvm-symbolizer-14 with llvm-14).
symbolizer=$(command -v llvm-symbolizer-14 || command -v llvm-symbolizer || true)
[ -z "$symbolizer" ] || export ASAN_SYMBOLIZER_PATH="$symbolizer" \
  UBSAN_SYMBOLIZER_PATH="$symbolizer" TSAN_SYMBOLIZER_PATH="$symbolizer"
