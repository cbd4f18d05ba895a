# Sanitizer and fuzzing instrumentation for every target the project defines (third-party
# libraries stay uninstrumented). Included from the top-level CMakeLists.txt before any target.
#
# VERITY_SANITIZE: "" (none), "address,undefined" (ASan + UBSan; UBSan aborts on the first
# report) or "thread" (TSan). VERITY_FUZZ (clang only) adds libFuzzer's coverage instrumentation
# and builds the fuzz targets of tests/fuzz.

set(VERITY_SANITIZE "" CACHE STRING
    "Sanitizers for every project target: address,undefined | thread | empty for none")
set_property(CACHE VERITY_SANITIZE PROPERTY STRINGS "" "address,undefined" "address" "thread")
option(VERITY_FUZZ "Build the libFuzzer targets of tests/fuzz (clang only)" OFF)

if(VERITY_FUZZ AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "VERITY_FUZZ=ON needs clang (libFuzzer); configure with CXX=clang++-14")
endif()

if(VERITY_SANITIZE)
  if(VERITY_SANITIZE MATCHES "thread" AND VERITY_SANITIZE MATCHES "address")
    message(FATAL_ERROR "VERITY_SANITIZE: thread cannot be combined with address")
  endif()
  add_compile_options(-fsanitize=${VERITY_SANITIZE} -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=${VERITY_SANITIZE})
  if(VERITY_SANITIZE MATCHES "undefined")
    # A UBSan report fails the run like any other sanitizer report.
    add_compile_options(-fno-sanitize-recover=all)
    add_link_options(-fno-sanitize-recover=all)
  endif()
endif()

if(VERITY_FUZZ)
  # Coverage feedback for every project target; only the fuzz executables link libFuzzer's main.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
