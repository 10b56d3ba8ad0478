# Run at build time (cmake -P): writes OUT, a header with the git commit of SOURCE_DIR, rewriting it only when the
# commit changed, so a build after a commit relinks the binary and a build without one does nothing.
# A tree with uncommitted changes to tracked files is "<commit>-dirty"; outside a git checkout (a source tarball) the
# commit is COMMIT when given (-DSYNCLINE_GIT_COMMIT=...), else "unknown".
if(COMMIT)
  set(commit "${COMMIT}")
else()
  execute_process(COMMAND git -C "${SOURCE_DIR}" rev-parse --short=12 HEAD
                  OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE failed)
  if(failed OR commit STREQUAL "")
    set(commit "unknown")
  else()
    execute_process(COMMAND git -C "${SOURCE_DIR}" diff --quiet HEAD -- RESULT_VARIABLE dirty ERROR_QUIET)
    if(dirty)
      string(APPEND commit "-dirty")
    endif()
  endif()
endif()
set(text "#pragma once\n\n// Written at build time by cmake/GitCommit.cmake.\nnamespace syncline::app {\ninline constexpr const char* kGitCommit = \"${commit}\";\n}\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
