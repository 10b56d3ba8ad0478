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

# syncline_plugin_host(target)
# Lets an executable load connector plug-ins (engine/connector/plugin_loader.h). A plug-in is linked against nothing of
# the engine: dlopen resolves its references to the connector API (FieldCursor, normalizeField, the registry's types)
# against the executable, so there is one copy of that code and of the registry. For that the executable
#  - holds every object of syncline_connector and syncline_model (--whole-archive), not only those it uses itself, and
#  - exports their symbols, and only theirs (cmake/plugin_api.dynamic-list), from its dynamic symbol table.
# A plug-in that needs any other engine symbol fails to load with "needs the symbol ...". docs/architecture.md has the
# trade-off against linking a static copy into each plug-in.
function(syncline_plugin_host target)
  target_link_options(${target} PRIVATE
    "LINKER:--dynamic-list=${PROJECT_SOURCE_DIR}/cmake/plugin_api.dynamic-list"
    "LINKER:--whole-archive" "$<TARGET_FILE:syncline_connector>" "$<TARGET_FILE:syncline_model>"
    "LINKER:--no-whole-archive")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${PROJECT_SOURCE_DIR}/cmake/plugin_api.dynamic-list")
  target_link_libraries(${target} PRIVATE syncline_connector syncline_model)
endfunction()

# syncline_plugin(NAME SOURCES ... [LIBS ...] [OUTPUT_DIRECTORY dir])
# A connector plug-in: a shared library NAME.so in ${PROJECT_BINARY_DIR}/plugins (or OUTPUT_DIRECTORY), loaded by
# syncline from [erp] plugin_dir. It sees the engine's headers but links none of its libraries (see
# syncline_plugin_host); LIBS are its own (static libraries built with POSITION_INDEPENDENT_CODE). Its symbols are
# hidden but for the entry point SYNCLINE_CONNECTOR_PLUGIN defines.
function(syncline_plugin name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES;LIBS" ${ARGN})
  if(NOT ARG_OUTPUT_DIRECTORY)
    set(ARG_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/plugins)
  endif()
  add_library(${name} MODULE ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES PREFIX "" LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY}
                                           CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE nlohmann_json::nlohmann_json ${ARG_LIBS})
  syncline_defaults(${name})
endfunction()
