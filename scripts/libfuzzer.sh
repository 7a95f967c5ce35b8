#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer and AddressSanitizer (issue 10): builds Sources/hush-fuzz with
# -sanitize=fuzzer,address and runs every target for SECONDS each (default 60), seeded from
# Tests/Fuzz/<target>/. New inputs go to .build-libfuzzer/corpus/<target>/, crashes to
# .build-libfuzzer/crashes/; replay one with: swift build --product hush-fuzz && .build/debug/hush-fuzz TARGET FILE
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-60}"
swift build --scratch-path .build-libfuzzer --product hush-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DLIBFUZZER 2>&1 | grep -E "error|Compiling hush_fuzz|Build" || true
binary=.build-libfuzzer/debug/hush-fuzz
test -x "$binary"
mkdir -p .build-libfuzzer/crashes
status=0
for target in rules engine vault-record vault-header age reference baseline ignore; do
  mkdir -p ".build-libfuzzer/corpus/$target"
  extra=()
  # gitleaks' own configuration seeds the rule loader where ../shared/fixtures exists (not kept in this repository).
  if [ "$target" = rules ] && [ -f ../shared/fixtures/gitleaks-default.toml ]; then
    mkdir -p .build-libfuzzer/seeds/rules && cp ../shared/fixtures/gitleaks-default.toml .build-libfuzzer/seeds/rules/
    extra=(.build-libfuzzer/seeds/rules)
  fi
  log=".build-libfuzzer/$target.log"
  if HUSH_FUZZ_TARGET="$target" ASAN_OPTIONS=detect_leaks=0 "$binary" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix=".build-libfuzzer/crashes/$target-" ".build-libfuzzer/corpus/$target" "Tests/Fuzz/$target" "${extra[@]}" >"$log" 2>&1; then
    echo "libfuzzer $target: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') execs, $(grep -o 'cov: [0-9]*' "$log" | tail -1), 0 crashes"
  else
    echo "libfuzzer $target: CRASH, see $log and .build-libfuzzer/crashes/"
    status=1
  fi
done
exit $status
