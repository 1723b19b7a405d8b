#!/usr/bin/env bash
# Runs the whole test suite and ends with one line: N passed, N failed, N skipped.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
log=$(mktemp)
dotnet test --solution VirtAppliance.slnx -c Debug --no-progress "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
count() { grep -E "^\s+$1: [0-9]+" "$log" | tail -1 | grep -oE '[0-9]+' || echo 0; }
passed=$(count succeeded); failed=$(count failed); skipped=$(count skipped)
rm -f "$log"
if [[ $rc -ne 0 && $failed -eq 0 ]]; then
  echo "test run failed before reporting results (exit $rc)" >&2
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $rc
