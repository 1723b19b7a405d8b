#!/usr/bin/env bash
# What a transactional update costs as the user disk grows (issue 11): `update` of a running tiny VM
# from 1.0 to 2.0 whose user disk is a 1 GiB and a 20 GiB ext4 image, each holding 512 MiB of file
# data. The new version writes to a qcow2 layer that is merged live once it is healthy, so the cost
# should follow what 2.0 wrote, not the disk's size. Prints the update's wall time (median of 3).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
va=("$here/../virt-appliance")
fixtures=$("$here/../tests/fixtures/build-appliances.sh" 2>/dev/null | tail -n 1)
work=$(mktemp -d /var/tmp/va-bench-update.XXXXXX)
chmod 0755 "$work"
cleanup() {
  for dom in $(virsh list --all --name 2>/dev/null | grep '^va-bench-upd-' || true); do
    "${va[@]}" undeploy "$dom" --delete-data --root "$work/store-${dom#va-bench-upd-}" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/payload"
head -c $((512 << 20)) /dev/urandom >"$work/payload/data.bin"
for size in 1G 20G; do
  for version in 1.0 2.0; do
    app="$work/tiny-$version-$size"
    cp -r "$fixtures/tiny-$version" "$app"
    rm -f "$app/data.img"
    truncate -s "$size" "$app/data.img"
    mkfs.ext4 -q -F -d "$work/payload" "$app/data.img"
    # the checksum of the original small disk no longer applies
    sed -i '/<disk id="data"/,/<\/disk>/{/<checksum/d}' "$app/appliance.xml"
    "${va[@]}" pack "$app" -o "$work/tiny-$version-$size.vapp" >/dev/null
  done
done

for size in 1G 20G; do
  times=()
  for run in 1 2 3; do
    root="$work/store-$size-$run"
    mkdir -m 0755 -p "$root"
    "${va[@]}" install "$work/tiny-1.0-$size.vapp" --allow-unsigned --root "$root" >/dev/null
    "${va[@]}" install "$work/tiny-2.0-$size.vapp" --allow-unsigned --root "$root" >/dev/null
    vm="va-bench-upd-$size-$run"
    "${va[@]}" deploy tiny@1.0 --name "$vm" --root "$root" --virt-type qemu >/dev/null 2>&1
    start=$(date +%s%N)
    "${va[@]}" update "$vm" --to 2.0 --set mail_host=mail.example.test --root "$root" >/dev/null 2>&1
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
    "${va[@]}" undeploy "$vm" --delete-data --root "$root" >/dev/null 2>&1
    rm -rf "$root"
  done
  sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  echo "user disk $size (512 MiB of data): update 1.0 -> 2.0 of a running VM: ${times[*]} ms, median ${sorted[1]} ms"
done
