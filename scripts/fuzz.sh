#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz; clang-14, ASan + UBSan, build/fuzz) and runs
# each for FUZZ_SECONDS (default 60) from its committed seed corpus. Exits non-zero on
# any crash, sanitizer report, leak or timeout; the reproducer is left in
# build/fuzz/artifacts/. Long runs: FUZZ_SECONDS=0 FUZZ_RUNS=10000000 (docs/RELIABILITY.md).
#   FUZZ_TARGETS="fuzz_bundle_reader ..."  which targets (default: all three)
#   FUZZ_RUNS=N                             stop each target after N executions (default: no limit)
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_RUNS=${FUZZ_RUNS:--1}
TARGETS=${FUZZ_TARGETS:-fuzz_bundle_reader fuzz_onnx_import fuzz_load_run}

CC=clang-14 CXX=clang++-14 cmake -S . -B build/fuzz -DQC_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" >/dev/null
# shellcheck disable=SC2086
cmake --build build/fuzz -j"$JOBS" --target $TARGETS

export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
status=0
mkdir -p build/fuzz/artifacts
for t in $TARGETS; do
  work=build/fuzz/corpus/$t
  mkdir -p "$work"
  log=build/fuzz/$t.log
  echo "==> $t: ${FUZZ_SECONDS}s (runs limit ${FUZZ_RUNS})"
  time_args=()
  [[ $FUZZ_SECONDS -gt 0 ]] && time_args=(-max_total_time="$FUZZ_SECONDS")
  if build/fuzz/"$t" "${time_args[@]}" -runs="$FUZZ_RUNS" -timeout=20 -rss_limit_mb=2560 -malloc_limit_mb=2560 \
      -print_final_stats=1 -artifact_prefix=build/fuzz/artifacts/"$t"- "$work" tests/fuzz/corpus/"$t" >"$log" 2>&1; then
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -oE 'DONE[[:space:]]+cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -1 | sed -E 's/DONE[[:space:]]+//' || true)
    echo "fuzz: $t: $execs executions, 0 crashes ($cov)"
  else
    status=1
    echo "fuzz: $t: FAILED (see $log and build/fuzz/artifacts/)"
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written|No such file' "$log" | head -20 || true
  fi
done
exit $status
