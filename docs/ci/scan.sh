#!/bin/sh
# Generic CI recipe: scan what a branch adds over its base, write JSON, fail on findings.
# Usage: BASE=origin/main sh scan.sh   (needs hush on PATH and the base branch fetched)
set -u
BASE="${BASE:-origin/main}"
hush scan --range "$BASE..HEAD" --format json --output hush-report.json
status=$?
case $status in
  0) echo "hush: no new secrets" ;;
  1) echo "hush: new secrets found; see hush-report.json" >&2 ;;
  *) echo "hush: the scan could not run (exit $status)" >&2 ;;
esac
exit $status
