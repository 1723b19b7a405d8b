#!/usr/bin/env bash
# `make bench`: packs three disks with virt-appliance's package format and with the standard
# tools, side by side, and prints bytes, wall time and peak memory (maximum resident set size).
#   system: 4 GiB sparse raw ext4 with ~700 MB of Debian   data: 256 MiB random   empty: 20 GiB fresh ext4
# Inputs are built once and cached in $BENCH_INPUTS (default /var/tmp/va-bench-inputs).
# Page cache is warm for every tool alike; each figure is the median of $BENCH_REPEAT runs (5; xz and sha256sum of a disk run once).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
inputs=${BENCH_INPUTS:-/var/tmp/va-bench-inputs}
work=${BENCH_WORK:-/var/tmp/va-bench-work}
export BENCH_INPUTS=$inputs

"$here/inputs.sh"
for tool in zstd xz qemu-img sha256sum tar /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/prereqs.sh installs it)" >&2; exit 1; }
done

rm -rf "$work"
mkdir -p "$work"
chmod 0755 "$work"
# The real CLI, as users run it (built once here, so no run pays for the build).
va=("$here/../virt-appliance")
"${va[@]}" --version >/dev/null

# descriptor NAME FILE FORMAT: a minimal valid appliance.xml for one disk
descriptor() {
  printf '<image>\n  <name version="1" release="1">%s</name>\n  <domain>\n    <boot type="hvm">\n      <guest><arch>x86_64</arch></guest>\n      <os><loader dev="hd"/></os>\n      <drive disk="%s" target="hda"/>\n    </boot>\n    <devices><vcpu>1</vcpu><memory>262144</memory></devices>\n  </domain>\n  <storage><disk file="%s" format="%s"/></storage>\n</image>\n' "$1" "$2" "$2" "$3"
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

for disk in system data empty; do
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
"$here/deploy.sh"
