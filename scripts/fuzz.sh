#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz; clang-14, ASan + UBSan, build/fuzz) and runs
# each for FUZZ_SECONDS (default 60) from its committed seed corpus. Exits non-zero on
# any crash, sanitizer report, leak or timeout; the reproducer is left in
# build/fuzz/artifacts/. Long runs: FUZZ_SECONDS=0 FUZZ_RUNS=10000000 (docs/RELIABILITY.md).
#   FUZZ_TARGETS="fuzz_bundle_reader ..."  which targets (default: all three)
#   FUZZ_RUNS=N                             stop each target after N executions (default: no limit)
#   FUZZ_PARALLEL=0                         run the targets one after another (default: side by side)
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_RUNS=${FUZZ_RUNS:--1}
TARGETS=${FUZZ_TARGETS:-fuzz_bundle_reader fuzz_onnx_import fuzz_load_run}

CC=clang-14 CXX=clang++-14 cmake -S . -B build/fuzz -DQC_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" >/dev/null
# shellcheck disable=SC2086
cmake --build build/fuzz -j"$JOBS" --target $TARGETS

export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
mkdir -p build/fuzz/artifacts
# One target: runs it, then prints its one-line result; returns non-zero on a finding.
fuzz_one() {
  local t=$1 work=build/fuzz/corpus/$1 log=build/fuzz/$1.log
  mkdir -p "$work"
  local time_args=()
  [[ $FUZZ_SECONDS -gt 0 ]] && time_args=(-max_total_time="$FUZZ_SECONDS")
  if build/fuzz/"$t" "${time_args[@]}" -runs="$FUZZ_RUNS" -timeout=20 -rss_limit_mb=2560 -malloc_limit_mb=2560 \
      -print_final_stats=1 -artifact_prefix=build/fuzz/artifacts/"$t"- "$work" tests/fuzz/corpus/"$t" >"$log" 2>&1; then
    local execs cov
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -oE 'DONE[[:space:]]+cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -1 | sed -E 's/DONE[[:space:]]+//' || true)
    echo "fuzz: $t: $execs executions in ${FUZZ_SECONDS}s, 0 crashes ($cov)"
  else
    echo "fuzz: $t: FAILED (see $log and build/fuzz/artifacts/)"
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written|No such file' "$log" | head -20 || true
    return 1
  fi
}

# The targets run side by side (each for the full FUZZ_SECONDS of wall time), so the CI
# step takes about FUZZ_SECONDS, not three times it. FUZZ_PARALLEL=0: one after another.
status=0
if [[ ${FUZZ_PARALLEL:-1} == 1 ]]; then
  echo "==> fuzzing $TARGETS: ${FUZZ_SECONDS}s each, side by side"
  pids=()
  for t in $TARGETS; do
    fuzz_one "$t" >build/fuzz/"$t".result &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
  for t in $TARGETS; do cat build/fuzz/"$t".result; done
else
  for t in $TARGETS; do
    echo "==> $t: ${FUZZ_SECONDS}s"
    fuzz_one "$t" || status=1
  done
fi
exit $status
