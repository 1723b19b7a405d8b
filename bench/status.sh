#!/usr/bin/env bash
# What `status` costs with many VMs (issue 14): 50 tiny VMs deployed on qemu:///system (shut off; RUNNING of
# them started, TCG), then `status` of all, `status --json` of all, `status VM` of one, and one `watch --once`
# pass (no channels). Prints the wall time of each (median of 3). RUNNING=5 by default: 50 TCG guests at once
# would take the machine, and a shut-off VM costs status the same libvirt and file reads (no agent, no TCP).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
va=("$here/../virt-appliance")
count=${COUNT:-50}
running=${RUNNING:-5}
fixtures=$("$here/../tests/fixtures/build-appliances.sh" 2>/dev/null | tail -n 1)
work=$(mktemp -d /var/tmp/va-bench-status.XXXXXX)
chmod 0755 "$work"
root="$work/store"
prefix="va-bench-st$$"
cleanup() {
  for dom in $(virsh list --all --name 2>/dev/null | grep "^$prefix-" || true); do
    "${va[@]}" undeploy "$dom" --delete-data --force --root "$root" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

"${va[@]}" pack "$fixtures/tiny-1.0" -o "$work/tiny.vapp" >/dev/null
"${va[@]}" install "$work/tiny.vapp" --allow-unsigned --root "$root" >/dev/null
"${va[@]}" deploy tiny --name "$prefix" --count "$count" --no-start --virt-type qemu --connect qemu:///system --root "$root" >/dev/null 2>&1
for i in $(seq 1 "$running"); do
  "${va[@]}" start "$prefix-$i" --no-wait --root "$root" >/dev/null
done

median() { # command…: wall seconds, median of 3
  local times=() start
  for run in 1 2 3; do
    start=$(date +%s.%N)
    "$@" >/dev/null
    times+=("$(echo "$(date +%s.%N) - $start" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 2p
}
echo "VMs: $count ($running running)"
echo "status (all):         $(median "${va[@]}" status --root "$root") s"
echo "status --json (all):  $(median "${va[@]}" status --json --root "$root") s"
echo "status $prefix-1:     $(median "${va[@]}" status "$prefix-1" --root "$root") s"
echo "watch --once:         $(median "${va[@]}" watch --once --root "$root") s"
echo "virsh list --all:     $(median virsh -c qemu:///system list --all) s   (for comparison)"
