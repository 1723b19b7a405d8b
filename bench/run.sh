#!/usr/bin/env bash
# `make bench`: packs three disks with virt-appliance's package format and with the standard
# tools, side by side, and prints bytes, wall time and peak memory (maximum resident set size).
#   system: 4 GiB sparse raw ext4 with ~700 MB of Debian   data: 256 MiB random   empty: 20 GiB fresh ext4
#   update: the system disk's next version (a few Debian packages added and upgraded): delta packages
#           against zstd --patch-from and xdelta3 and the full package (issue 16)
# Inputs are built once and cached in $BENCH_INPUTS (default /var/tmp/va-bench-inputs).
# Page cache is warm for every tool alike; each figure is the median of $BENCH_REPEAT runs (5; xz and sha256sum of a disk run once).
# On a loaded machine: BENCH_DISKS="system" (default "system data empty"), BENCH_SLOW=0 leaves out the
# zstd -19 rows (pack --compression max, tar | zstd -19 --long: minutes each), BENCH_DEPLOY=0 the deploy benchmark.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
inputs=${BENCH_INPUTS:-/var/tmp/va-bench-inputs}
work=${BENCH_WORK:-/var/tmp/va-bench-work}
export BENCH_INPUTS=$inputs

"$here/inputs.sh"
for tool in zstd xz xdelta3 qemu-img sha256sum tar /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/prereqs.sh installs it)" >&2; exit 1; }
done

rm -rf "$work"
mkdir -p "$work"
chmod 0755 "$work"
# The real CLI, as users run it (built once here, so no run pays for the build).
va=("$here/../virt-appliance")
"${va[@]}" --version >/dev/null

# descriptor NAME FILE FORMAT [VERSION]: a minimal valid appliance.xml for one disk
descriptor() {
  printf '<image>\n  <name version="%s" release="1">%s</name>\n  <domain>\n    <boot type="hvm">\n      <guest><arch>x86_64</arch></guest>\n      <os><loader dev="hd"/></os>\n      <drive disk="%s" target="hda"/>\n    </boot>\n    <devices><vcpu>1</vcpu><memory>262144</memory></devices>\n  </domain>\n  <storage><disk file="%s" format="%s"/></storage>\n</image>\n' "${4:-1}" "$1" "$2" "$2" "$3"
}
repeat=${BENCH_REPEAT:-5}

results=$work/results.tsv
printf 'disk\ttool\top\tbytes\twall_s\tpeak_rss_mib\tallocated_mib\n' >"$results"

# measure DISK TOOL OP OUTPUT_FOR_SIZE ALLOCATED_PATH -- command...
# Runs the command $repeat times (default 5; $REPEAT overrides for one call) and records the
# median wall time and the largest peak RSS. Before each run: $PREP (not timed: removes the
# previous run's output), then sync, so that no run pays for another's writeback.
measure() {
  local disk=$1 tool=$2 op=$3 sized=$4 allocated=$5
  shift 6
  local runs=${REPEAT:-$repeat} walls=() rss_max=0 wall rss
  for ((run = 0; run < runs; run++)); do
    if [[ -n "${PREP:-}" ]]; then eval "$PREP" || true; fi
    sync
    /usr/bin/time -f '%e %M' -o "$work/time.txt" "$@" >/dev/null
    read -r wall rss <"$work/time.txt"
    walls+=("$wall")
    (( rss > rss_max )) && rss_max=$rss
  done
  wall=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  local bytes=- alloc=-
  [[ "$sized" != - ]] && bytes=$(stat -c %s "$sized")
  [[ "$allocated" != - ]] && alloc=$(( $(stat -c %b "$allocated") * 512 / 1048576 ))
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$disk" "$tool" "$op" "$bytes" "$wall" "$((rss_max / 1024))" "$alloc" >>"$results"
  printf 'bench: %-6s %-16s %-14s %12s bytes %6s s (runs: %s) %5s MiB\n' "$disk" "$tool" "$op" "$bytes" "$wall" "${walls[*]}" "$((rss_max / 1024))" >&2
}

for disk in ${BENCH_DISKS:-system data empty}; do
  input=$inputs/$disk.img
  app=$work/app-$disk
  mkdir -p "$app"
  ln "$input" "$app/$disk.img"
  descriptor "bench-$disk" "$disk.img" raw >"$app/appliance.xml"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$disk" input - "$(stat -c %s "$input")" - - "$(( $(stat -c %b "$input") * 512 / 1048576 ))" >>"$results"
  installed=$work/store/appliances/bench-$disk/1-1/$disk.img

  # virt-appliance (installs go to a new store each time: a second install of the same package is a no-op)
  PREP="rm -f '$work/$disk.vapp'" measure "$disk" virt-appliance pack "$work/$disk.vapp" - -- "${va[@]}" pack "$app" -o "$work/$disk.vapp"
  measure "$disk" virt-appliance verify - - -- "${va[@]}" verify --allow-unsigned "$work/$disk.vapp"
  measure "$disk" virt-appliance "verify+content" - - -- "${va[@]}" verify --allow-unsigned --content "$work/$disk.vapp"
  PREP="chmod -R u+w '$work/store' 2>/dev/null; rm -rf '$work/store'" measure "$disk" virt-appliance install - "$installed" -- "${va[@]}" install --allow-unsigned --root "$work/store" "$work/$disk.vapp"
  cmp "$input" "$installed"
  measure "$disk" sha256sum "of .vapp" - - -- sha256sum "$work/$disk.vapp"
  REPEAT=1 measure "$disk" sha256sum "of the disk" - - -- sha256sum "$input"

  if [[ $disk == system && ${BENCH_SLOW:-1} != 0 ]]; then
    # pack --compression max (zstd -19 in the same records) against zstd -19 --long: minutes per run, once
    REPEAT=1 PREP="rm -f '$work/$disk-max.vapp'" measure "$disk" virt-appliance-max pack "$work/$disk-max.vapp" - -- "${va[@]}" pack --compression max "$app" -o "$work/$disk-max.vapp"
    REPEAT=3 PREP="chmod -R u+w '$work/store' 2>/dev/null; rm -rf '$work/store'" measure "$disk" virt-appliance-max install - "$installed" -- "${va[@]}" install --allow-unsigned --root "$work/store" "$work/$disk-max.vapp"
    cmp "$input" "$installed"
    rm -f "$work/$disk-max.vapp"
    REPEAT=1 PREP="rm -f '$work/$disk.tar.zst'" measure "$disk" "tar|zstd-19-long" pack "$work/$disk.tar.zst" - -- bash -c "tar -S -cf - -C '$app' '$disk.img' | zstd -T0 -19 --long=27 -q -o '$work/$disk.tar.zst'"
    REPEAT=3 PREP="rm -rf '$work/zst-$disk'; mkdir -p '$work/zst-$disk'" measure "$disk" "tar|zstd-19-long" restore - "$work/zst-$disk/$disk.img" -- bash -c "zstd -dc --long=27 '$work/$disk.tar.zst' | tar -S -xf - -C '$work/zst-$disk'"
    rm -rf "$work/zst-$disk" "$work/$disk.tar.zst"
  fi

  # tar --sparse | zstd -T0 -3; restore, and restore + sync (what install guarantees: the data is on disk)
  PREP="rm -f '$work/$disk.tar.zst'" measure "$disk" "tar|zstd-3" pack "$work/$disk.tar.zst" - -- bash -c "tar -S -cf - -C '$app' '$disk.img' | zstd -T0 -3 -q -o '$work/$disk.tar.zst'"
  PREP="rm -rf '$work/zst-$disk'; mkdir -p '$work/zst-$disk'" measure "$disk" "tar|zstd-3" restore - "$work/zst-$disk/$disk.img" -- bash -c "zstd -dc '$work/$disk.tar.zst' | tar -S -xf - -C '$work/zst-$disk'"
  PREP="rm -rf '$work/zst-$disk'; mkdir -p '$work/zst-$disk'" measure "$disk" "tar|zstd-3" "restore+sync" - "$work/zst-$disk/$disk.img" -- bash -c "zstd -dc '$work/$disk.tar.zst' | tar -S -xf - -C '$work/zst-$disk' && sync '$work/zst-$disk/$disk.img'"
  rm -rf "$work/zst-$disk" "$work/$disk.tar.zst"

  # tar --sparse | xz -T0 -6 (minutes per run: once)
  REPEAT=1 PREP="rm -f '$work/$disk.tar.xz'" measure "$disk" "tar|xz-6" pack "$work/$disk.tar.xz" - -- bash -c "tar -S -cf - -C '$app' '$disk.img' | xz -T0 -6 >'$work/$disk.tar.xz'"
  REPEAT=1 PREP="rm -rf '$work/xz-$disk'; mkdir -p '$work/xz-$disk'" measure "$disk" "tar|xz-6" restore - "$work/xz-$disk/$disk.img" -- bash -c "xz -dc '$work/$disk.tar.xz' | tar -S -xf - -C '$work/xz-$disk'"
  rm -rf "$work/xz-$disk" "$work/$disk.tar.xz"

  # qemu-img convert -c (qcow2, zstd clusters)
  PREP="rm -f '$work/$disk.qcow2'" measure "$disk" "qcow2-zstd" pack "$work/$disk.qcow2" - -- qemu-img convert -c -O qcow2 -o compression_type=zstd "$input" "$work/$disk.qcow2"
  PREP="rm -f '$work/$disk.restored'" measure "$disk" "qcow2-zstd" restore - "$work/$disk.restored" -- qemu-img convert -O raw "$work/$disk.qcow2" "$work/$disk.restored"
  rm -f "$work/$disk.qcow2" "$work/$disk.restored"

  chmod -R u+w "$work/store"
  rm -rf "$work/store" "$app" "$work/$disk.vapp"
done

# qcow2 payloads: the system disk as a plain qcow2 (what qemu-img makes by default) packed by us,
# against the same disk as a zstd-compressed qcow2 kept as is.
app=$work/app-qcow2
mkdir -p "$app"
qemu-img convert -O qcow2 "$inputs/system.img" "$app/system.qcow2"
descriptor bench-qcow2 system.qcow2 qcow2 >"$app/appliance.xml"
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' qcow2 input - "$(stat -c %s "$app/system.qcow2")" - - "$(( $(stat -c %b "$app/system.qcow2") * 512 / 1048576 ))" >>"$results"
PREP="rm -f '$work/qcow2.vapp'" measure qcow2 virt-appliance pack "$work/qcow2.vapp" - -- "${va[@]}" pack "$app" -o "$work/qcow2.vapp"
PREP="chmod -R u+w '$work/store' 2>/dev/null; rm -rf '$work/store'" measure qcow2 virt-appliance install - "$work/store/appliances/bench-qcow2/1-1/system.qcow2" -- "${va[@]}" install --allow-unsigned --root "$work/store" "$work/qcow2.vapp"
cmp "$app/system.qcow2" "$work/store/appliances/bench-qcow2/1-1/system.qcow2"
chmod -R u+w "$work/store"
rm -rf "$app" "$work/store"

# Delta packages: version 2 of the system disk (inputs.sh: a few Debian packages added and upgraded in a
# copy) against version 1, as a delta package, zstd --patch-from and xdelta3, and as a full package.
# Installs go into a store that holds version 1 (a copy of a prepared one, not timed).
update=$work/app-update
mkdir -p "$work/app-v1" "$update"
ln "$inputs/system.img" "$work/app-v1/system.img"
ln "$inputs/system-v2.img" "$update/system.img"
descriptor bench-update system.img raw 1 >"$work/app-v1/appliance.xml"
descriptor bench-update system.img raw 2 >"$update/appliance.xml"
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' update input - "$(stat -c %s "$inputs/system-v2.img")" - - "$(( $(stat -c %b "$inputs/system-v2.img") * 512 / 1048576 ))" >>"$results"
"${va[@]}" pack "$work/app-v1" -o "$work/update-1.vapp" >/dev/null
"${va[@]}" install --allow-unsigned --root "$work/store-v1" "$work/update-1.vapp" >/dev/null
installed=$work/store/appliances/bench-update/2-1/system.img
fresh="chmod -R u+w '$work/store' 2>/dev/null; rm -rf '$work/store'; cp -a '$work/store-v1' '$work/store'"
PREP="rm -f '$work/update-2.vapp'" measure update virt-appliance-full pack "$work/update-2.vapp" - -- "${va[@]}" pack "$update" -o "$work/update-2.vapp"
PREP="$fresh" measure update virt-appliance-full install - "$installed" -- "${va[@]}" install --allow-unsigned --root "$work/store" "$work/update-2.vapp"
cmp "$inputs/system-v2.img" "$installed"
PREP="rm -f '$work/update-delta.vapp'" measure update virt-appliance-delta pack "$work/update-delta.vapp" - -- "${va[@]}" pack "$update" --delta-from "$work/update-1.vapp" -o "$work/update-delta.vapp"
PREP="rm -f '$work/update-delta-store.vapp'" measure update virt-appliance-delta "pack from store" "$work/update-delta-store.vapp" - -- "${va[@]}" pack "$update" --delta-from bench-update@1 --root "$work/store-v1" -o "$work/update-delta-store.vapp"
PREP="$fresh" measure update virt-appliance-delta install - "$installed" -- "${va[@]}" install --allow-unsigned --root "$work/store" "$work/update-delta.vapp"
cmp "$inputs/system-v2.img" "$installed"
"${va[@]}" verify --root "$work/store" bench-update@2 >/dev/null
# zstd --patch-from handles files up to 2 GB ("Can't handle files larger than 2 GB"): the 4 GiB images go
# through it in three pieces of at most 2000 MiB (cut sparse, not timed), each patched against the same
# piece of version 1; the figures are the sum (bytes of the three patches, wall of the three runs).
for i in 0 1 2; do
  for v in system system-v2; do
    dd if="$inputs/$v.img" of="$work/$v.piece$i" bs=1M skip=$((i * 2000)) count=2000 conv=sparse status=none
  done
done
patch_from="for i in 0 1 2; do zstd -q -f -T0 --patch-from='$work/system.piece'\$i '$work/system-v2.piece'\$i -o '$work/update.zst'\$i || exit 1; done; cat '$work'/update.zst[012] >'$work/update.zst'"
PREP="rm -f '$work'/update.zst*" measure update "zstd --patch-from" pack "$work/update.zst" - -- bash -c "$patch_from"
unpatch="for i in 0 1 2; do zstd -q -d -f --long=31 --patch-from='$work/system.piece'\$i '$work/update.zst'\$i -o '$work/update.restored'\$i || exit 1; done"
PREP="rm -f '$work'/update.restored*" measure update "zstd --patch-from" restore - "$work/update.restored0" -- bash -c "$unpatch"
for i in 0 1 2; do cmp "$work/system-v2.piece$i" "$work/update.restored$i"; done
rm -f "$work"/system.piece* "$work"/system-v2.piece* "$work"/update.restored* "$work"/update.zst*
REPEAT=1 PREP="rm -f '$work/update.xd3'" measure update xdelta3 pack "$work/update.xd3" - -- xdelta3 -e -f -B 1073741824 -s "$inputs/system.img" "$inputs/system-v2.img" "$work/update.xd3"
REPEAT=1 PREP="rm -f '$work/update.restored'" measure update xdelta3 restore - "$work/update.restored" -- xdelta3 -d -f -B 1073741824 -s "$inputs/system.img" "$work/update.xd3" "$work/update.restored"
cmp "$inputs/system-v2.img" "$work/update.restored"
chmod -R u+w "$work/store" "$work/store-v1"
rm -rf "$work/store" "$work/store-v1" "$work/app-v1" "$update" "$work"/update*

echo
column -t -s $'\t' "$results"
echo "(results: $results; allocated = bytes on disk of the input or of the restored disk)"
echo
# The goals, as ratios: virt-appliance against tar | zstd -T0 -3 (<= 1.0 is as good or better).
awk -F'\t' '
  $2 == "virt-appliance" && $3 == "pack"         { vb[$1] = $4; vp[$1] = $5 }
  $2 == "virt-appliance" && $3 == "install"      { vi[$1] = $5 }
  $2 == "virt-appliance" && $3 == "verify"       { vv[$1] = $5 }
  $2 == "tar|zstd-3"     && $3 == "pack"         { tb[$1] = $4; tp[$1] = $5 }
  $2 == "tar|zstd-3"     && $3 == "restore"      { tr[$1] = $5 }
  $2 == "tar|zstd-3"     && $3 == "restore+sync" { ts[$1] = $5 }
  $2 == "sha256sum"      && $3 == "of .vapp"     { sh[$1] = $5 }
  END {
    printf "%-7s %12s %11s %15s %20s %22s\n", "disk", "bytes ratio", "pack ratio", "install ratio", "install/restore+sync", "verify/sha256sum .vapp"
    split("system data empty", order, " ")
    for (i = 1; i <= 3; i++) { d = order[i]; if (!(d in vb)) continue
      printf "%-7s %12.4f %11.2f %15.2f %20.2f %22s\n", d, vb[d] / tb[d], vp[d] / tp[d], vi[d] / tr[d], vi[d] / ts[d], (sh[d] > 0 ? sprintf("%.2f", vv[d] / sh[d]) : "-") }
  }' "$results"
echo
# Issue 16's goals: system-disk size against xz -6, deltas against zstd --patch-from and the full package.
awk -F'\t' '
  $1 == "system" && $2 == "virt-appliance"      && $3 == "pack"    { vb = $4; vp = $5 }
  $1 == "system" && $2 == "virt-appliance-max"  && $3 == "pack"    { mb = $4; mp = $5 }
  $1 == "system" && $2 == "tar|xz-6"            && $3 == "pack"    { xb = $4 }
  $1 == "system" && $2 == "tar|zstd-3"          && $3 == "pack"    { zp = $5 }
  $1 == "update" && $2 == "virt-appliance-full"  && $3 == "pack"    { fb = $4 }
  $1 == "update" && $2 == "virt-appliance-full"  && $3 == "install" { fi = $5 }
  $1 == "update" && $2 == "virt-appliance-delta" && $3 == "pack"    { db = $4 }
  $1 == "update" && $2 == "virt-appliance-delta" && $3 == "install" { di = $5 }
  $1 == "update" && $2 == "zstd --patch-from"    && $3 == "pack"    { pb = $4 }
  END {
    if (xb > 0 && zp > 0) printf "system: bytes / xz -6 %.3f (goal <= 1.1), pack / tar|zstd -3 %.2f (goal <= 1.0)\n", vb / xb, vp / zp
    if (xb > 0 && zp > 0 && mb > 0) printf "system --compression max: bytes / xz -6 %.3f, pack / tar|zstd -3 %.1f\n", mb / xb, mp / zp
    if (pb > 0 && fb > 0 && fi > 0) printf "update: delta / zstd --patch-from %.3f (goal <= 1.2), delta / full package %.4f (goal <= 0.05), delta install / full install %.2f (goal <= 1.0)\n", db / pb, db / fb, di / fi
  }' "$results"
if [[ ${BENCH_DEPLOY:-1} != 0 ]]; then "$here/deploy.sh"; fi
