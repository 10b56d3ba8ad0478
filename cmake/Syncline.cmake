# Shared build rules for every Syncline target.

# Warnings are errors on our own code only (not on third-party headers, which are SYSTEM includes).
function(syncline_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
endfunction()

# syncline_library(NAME SOURCES ... [PUBLIC_LIBS ...] [PRIVATE_LIBS ...])
function(syncline_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_LIBS} PRIVATE ${ARG_PRIVATE_LIBS})
  syncline_defaults(${name})
endfunction()

# syncline_test(NAME LABEL unit|integration SOURCES ... LIBS ... [FIXTURES ...])
# A GoogleTest binary whose cases are registered one by one with ctest under LABEL.
function(syncline_test name)
  cmake_parse_arguments(ARG "" "LABEL" "SOURCES;LIBS;FIXTURES" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  syncline_defaults(${name})
  target_compile_definitions(${name} PRIVATE SYNCLINE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                                             SYNCLINE_BINARY_DIR="${PROJECT_BINARY_DIR}")
  set(_props LABELS ${ARG_LABEL})
  if(ARG_FIXTURES)
    list(APPEND _props FIXTURES_REQUIRED "${ARG_FIXTURES}")
  endif()
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST PROPERTIES ${_props})
endfunction()

# Links the allocator chosen by SYNCLINE_MALLOC into an executable.
function(syncline_malloc target)
  if(SYNCLINE_MALLOC STREQUAL "jemalloc")
    target_link_libraries(${target} PRIVATE PkgConfig::JEMALLOC)
  endif()
endfunction()

# syncline_builtin_connector(LIBRARY lib REGISTER namespace::function)
# Builds a connector into syncline: `function` (void(), in `lib`) registers its kind; connectors/builtin.h's
# registerBuiltinConnectors() calls every one. A connector folder under connectors/ calls this from its CMakeLists.txt;
# no other file changes to add one.
function(syncline_builtin_connector)
  cmake_parse_arguments(ARG "" "LIBRARY;REGISTER" "" ${ARGN})
  set_property(GLOBAL APPEND PROPERTY SYNCLINE_CONNECTOR_LIBS ${ARG_LIBRARY})
  set_property(GLOBAL APPEND PROPERTY SYNCLINE_CONNECTOR_FUNCTIONS ${ARG_REGISTER})
endfunction()
