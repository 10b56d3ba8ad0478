# Run at build time (cmake -P): runs COMMAND (a list) and writes what it prints on stdout to OUT; fails the build
# when the command fails. ASAN_OPTIONS: a sanitizer build's leak report at exit is no reason to fail the build.
set(ENV{ASAN_OPTIONS} "detect_leaks=0")
get_filename_component(dir "${OUT}" DIRECTORY)
file(MAKE_DIRECTORY "${dir}")
execute_process(COMMAND ${COMMAND} OUTPUT_FILE "${OUT}.tmp" RESULT_VARIABLE failed)
if(failed)
  file(REMOVE "${OUT}.tmp")
  message(FATAL_ERROR "${COMMAND} failed: ${failed}")
endif()
file(RENAME "${OUT}.tmp" "${OUT}")
