#!/usr/bin/env bash
# What the per-VM config disk costs a deploy (issue 12): `deploy --no-start` of the tiny appliance,
# six times in a fresh store, with this checkout's CLI and with a CLI from before config disks
# (BASELINE=path/to/old/checkout/virt-appliance, e.g. a worktree of 7b69057). Prints each time,
# the VM folder's apparent and allocated bytes, and the config disk's size.
# Usage: BASELINE=/var/tmp/old/virt-appliance bench/config-disk.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fixtures=$("$here/../tests/fixtures/build-appliances.sh" 2>/dev/null | tail -n 1)
package=$(mktemp /var/tmp/va-bench-config.XXXXXX.vapp)
trap 'rm -f "$package"' EXIT
"$here/../virt-appliance" pack "$fixtures/tiny-1.0" -o "$package" >/dev/null

measure() { # CLI LABEL
  local va=$1 label=$2 root=/var/tmp/va-bench-config-$2 times=()
  rm -rf "$root"; mkdir -m 755 -p "$root"
  "$va" install "$package" --allow-unsigned --root "$root" >/dev/null
  for i in 1 2 3 4 5 6; do
    local start end
    start=$(date +%s%N)
    "$va" deploy tiny@1.0 --name "va-bench-config-$label-$i" --no-start --virt-type qemu --root "$root" >/dev/null 2>&1
    end=$(date +%s%N)
    times+=("$(( (end - start) / 1000000 ))ms")
  done
  local folder=$root/instances/va-bench-config-$label-1
  echo "$label: deploy --no-start ${times[*]}; VM folder $(du -sB1 --apparent-size "$folder" | cut -f1) B apparent, $(du -sB1 "$folder" | cut -f1) B allocated; config disk $(stat -c %s "$folder"/config-*.iso 2>/dev/null || echo none)"
  for i in 1 2 3 4 5 6; do "$va" undeploy "va-bench-config-$label-$i" --delete-data --root "$root" >/dev/null 2>&1 || true; done
  rm -rf "$root"
}

[[ -n "${BASELINE:-}" ]] && measure "$BASELINE" without-config-disk
measure "$here/../virt-appliance" with-config-disk
