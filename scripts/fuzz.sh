#!/usr/bin/env bash
# CI-sized fuzzing (issue 10): every target of Tests/FuzzTests for SECONDS each (default 60), seeded from
# Tests/Fuzz/<target>/. A crash ends the run with the test process's signal; the seed printed per target
# repeats it: HUSH_FUZZ_SEED=<seed> HUSH_FUZZ_SECONDS=<n> swift test --filter FuzzTests
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-60}"
SEED="${HUSH_FUZZ_SEED:-$(date +%s)}"
HUSH_FUZZ_SECONDS="$SECONDS_PER_TARGET" HUSH_FUZZ_SEED="$SEED" swift test --filter FuzzTests 2>&1 | grep -E "^fuzz |✘|passed|failed|error"
