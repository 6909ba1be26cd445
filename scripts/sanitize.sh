#!/usr/bin/env bash
# The Catch2 suite under AddressSanitizer + UndefinedBehaviorSanitizer (build/asan,
# g++, -O1 -g, no recovery): any report ends the run with a non-zero exit.
#   SANITIZE_FILTER='[tag] or "name"'   Catch2 test spec (default: every test)
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}

cmake -S . -B build/asan -DQC_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" >/dev/null
cmake --build build/asan -j"$JOBS" --target qcomp_tests

export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
log=build/asan/qcomp_tests.log
# The suite finds its data relative to the repository root.
if build/asan/qcomp_tests ${SANITIZE_FILTER:+"$SANITIZE_FILTER"} >"$log" 2>&1; then
  tail -3 "$log"
  if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log"; then
    echo "sanitize: reports found in $log" >&2
    exit 1
  fi
  echo "sanitize: Catch2 suite clean under ASan + UBSan"
else
  grep -E 'ERROR: |runtime error:|SUMMARY|FAILED|failed' "$log" | head -30 >&2
  tail -5 "$log" >&2
  echo "sanitize: FAILED (full log: $log)" >&2
  exit 1
fi
