#!/usr/bin/env bash
# Runs each fuzz target for FUZZ_SECONDS (default 60) and prints a summary.
#
#   Fuzz/run.sh                  every target built by Fuzz/build.sh
#   Fuzz/run.sh envelope wif     only these
#   FUZZ_SECONDS=600 Fuzz/run.sh
#
# Per target: the committed seeds (Fuzz/corpus/NAME, read only) and a working
# corpus that grows between runs ($FUZZ_OUT/corpus/NAME); crashes, hangs and
# leaks go to $FUZZ_OUT/crashes/NAME-*; the log to $FUZZ_OUT/logs/NAME.log.
# The per-input limits: -timeout=10 s (a hang is a finding), -rss_limit_mb=2048,
# and -max_len from the target's `// max_len:` line. Exit status 1 if any
# target found something.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${FUZZ_OUT:-.build/fuzz}
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for file in Fuzz/Targets/*.swift; do targets+=("$(basename "$file" .swift)"); done
fi
mkdir -p "$OUT/crashes" "$OUT/logs"
# A trap goes straight to libFuzzer's handler (which saves the input), not to
# Swift's backtracer, which would take its time symbolicating every crash.
export SWIFT_BACKTRACE=enable=no
failed=0
printf '%-30s %12s %10s %8s %9s  %s\n' target executions exec/s corpus coverage result
for name in "${targets[@]}"; do
  source=Fuzz/Targets/$name.swift
  [ -x "$OUT/$name" ] || { echo "fuzz: $OUT/$name not built (Fuzz/build.sh)" >&2; exit 64; }
  max_len=$(sed -n 's|^// max_len: *\([0-9]*\).*|\1|p' "$source" | head -1)
  dict=$(sed -n 's|^// dict: *\(.*\)|\1|p' "$source" | head -1)
  mkdir -p "$OUT/corpus/$name"
  options=(-max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
    -artifact_prefix="$OUT/crashes/$name-" -max_len="${max_len:-4096}")
  [ -n "$dict" ] && options+=(-dict="Fuzz/$dict")
  [ -d "Fuzz/corpus/$name" ] || mkdir -p "Fuzz/corpus/$name"
  "$OUT/$name" "${options[@]}" "$OUT/corpus/$name" "Fuzz/corpus/$name" > "$OUT/logs/$name.log" 2>&1
  status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/logs/$name.log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$OUT/logs/$name.log" | tail -1)
  coverage=$(grep -o 'cov: [0-9]*' "$OUT/logs/$name.log" | tail -1 | cut -d' ' -f2)
  corpus=$(ls "$OUT/corpus/$name" | wc -l)
  if [ $status -eq 0 ]; then result=ok; else
    result="FOUND (exit $status): $(ls -t "$OUT/crashes/$name-"* 2>/dev/null | head -1)"; failed=1
  fi
  printf '%-30s %12s %10s %8s %9s  %s\n' "$name" "${runs:-?}" "${rate:-?}" "$corpus" "${coverage:-?}" "$result"
done
exit $failed
