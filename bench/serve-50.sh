#!/usr/bin/env bash
# serve with 50 VMs (tiny 1.0, defined, not running): /metrics scrape time, 'status' time, serve's memory (RSS).
# Usage: bench/serve-50.sh [COUNT]   (needs the tiny fixtures: tests/fixtures/build-appliances.sh)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
count=${1:-50}
cli=("$here/virt-appliance")
fixtures=$("$here/tests/fixtures/build-appliances.sh" | tail -1)
work=$(mktemp -d /var/tmp/va-serve-bench-XXXXXX); chmod 755 "$work"
root="$work/store"; name="va-bench-$RANDOM"
cleanup() {
  [[ -n "${pid:-}" ]] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  for i in $(seq 1 "$count"); do "${cli[@]}" undeploy "$name-$i" --delete-data --force --root "$root" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
"${cli[@]}" pack "$fixtures/tiny-1.0" -o "$work/tiny.vapp" >/dev/null
"${cli[@]}" install "$work/tiny.vapp" --root "$root" --allow-unsigned >/dev/null
start=$SECONDS
"${cli[@]}" deploy tiny@1.0 --name "$name" --count "$count" --no-start --root "$root" --connect qemu:///system --virt-type qemu >/dev/null
echo "deploy --count $count --no-start: $((SECONDS - start)) s"
/usr/bin/time -f "status --json, $count VMs: %e s, %M KiB max RSS" "${cli[@]}" status --json --root "$root" >/dev/null
"${cli[@]}" serve --listen 127.0.0.1:0 --root "$root" --connect qemu:///system >"$work/serve.out" 2>"$work/serve.err" &
pid=$!
for _ in $(seq 1 100); do grep -q serving "$work/serve.out" 2>/dev/null && break; sleep 0.2; done
url=$(grep -o 'http://[0-9.:]*/' "$work/serve.out" | head -1)
# The first watch pass runs at start; wait until its gauges are there.
for _ in $(seq 1 300); do curl -s "${url}metrics" | grep -q '^virt_appliance_vm_up{' && break; sleep 0.5; done
echo "serve RSS after the first watch pass: $(( $(awk '/VmRSS/ {print $2}' /proc/$pid/status) / 1024 )) MiB"
for i in $(seq 1 20); do curl -s -o /dev/null -w '%{time_total}\n' "${url}metrics"; done | sort -n | awk '{a[NR]=$1} END {printf "/metrics scrape (%d VMs): median %.1f ms, max %.1f ms\n", '"$count"', a[int((NR+1)/2)]*1000, a[NR]*1000}'
echo "/metrics size: $(curl -s "${url}metrics" | wc -c) bytes, $(curl -s "${url}metrics" | grep -c '^virt_appliance_') virt_appliance_ series"
for i in $(seq 1 5); do curl -s -o /dev/null -w '%{time_total}\n' "${url}api/v1/status"; done | sort -n | awk '{a[NR]=$1} END {printf "GET /api/v1/status (%d VMs): median %.0f ms\n", '"$count"', a[int((NR+1)/2)]*1000}'
for i in $(seq 1 5); do curl -s -o /dev/null -w '%{time_total}\n' "${url}"; done | sort -n | awk '{a[NR]=$1} END {printf "GET / (the page, %d VMs): median %.0f ms\n", '"$count"', a[int((NR+1)/2)]*1000}'
echo "serve RSS after: $(( $(awk '/VmRSS/ {print $2}' /proc/$pid/status) / 1024 )) MiB"
