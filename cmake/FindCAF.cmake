# Finds the C++ Actor Framework (CAF) 0.17 as Debian's libcaf-dev installs it: headers and
# libraries, but no CMake package config.
#
# Components: core (always), io, openssl. Defines CAF_FOUND, CAF_VERSION and the imported
# targets CAF::core, CAF::io and CAF::openssl for the components found.

find_path(CAF_INCLUDE_DIR NAMES caf/config.hpp)

if(CAF_INCLUDE_DIR AND EXISTS "${CAF_INCLUDE_DIR}/caf/config.hpp")
  file(STRINGS "${CAF_INCLUDE_DIR}/caf/config.hpp" caf_version_line
       REGEX "^#define CAF_VERSION [0-9]+$")
  string(REGEX REPLACE "^#define CAF_VERSION ([0-9]+)$" "\\1" caf_version_number
         "${caf_version_line}")
  math(EXPR caf_major "${caf_version_number} / 10000")
  math(EXPR caf_minor "(${caf_version_number} / 100) % 100")
  math(EXPR caf_patch "${caf_version_number} % 100")
  set(CAF_VERSION "${caf_major}.${caf_minor}.${caf_patch}")
endif()

set(caf_components core ${CAF_FIND_COMPONENTS})
list(REMOVE_DUPLICATES caf_components)
set(caf_required_vars CAF_INCLUDE_DIR)
foreach(component IN LISTS caf_components)
  string(TOUPPER "${component}" upper)
  find_library(CAF_${upper}_LIBRARY NAMES caf_${component})
  if(CAF_${upper}_LIBRARY)
    set(CAF_${component}_FOUND TRUE)
  endif()
  list(APPEND caf_required_vars CAF_${upper}_LIBRARY)
endforeach()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(CAF
  REQUIRED_VARS ${caf_required_vars}
  VERSION_VAR CAF_VERSION
  HANDLE_COMPONENTS)

if(CAF_FOUND)
  foreach(component IN LISTS caf_components)
    string(TOUPPER "${component}" upper)
    if(CAF_${component}_FOUND AND NOT TARGET CAF::${component})
      add_library(CAF::${component} UNKNOWN IMPORTED)
      set_target_properties(CAF::${component} PROPERTIES
        IMPORTED_LOCATION "${CAF_${upper}_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}")
    endif()
  endforeach()
  if(TARGET CAF::io)
    set_property(TARGET CAF::io APPEND PROPERTY INTERFACE_LINK_LIBRARIES CAF::core)
  endif()
  if(TARGET CAF::openssl)
    set_property(TARGET CAF::openssl APPEND PROPERTY INTERFACE_LINK_LIBRARIES CAF::io)
  endif()
endif()

mark_as_advanced(CAF_INCLUDE_DIR CAF_CORE_LIBRARY CAF_IO_LIBRARY CAF_OPENSSL_LIBRARY)
