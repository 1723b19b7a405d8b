#!/usr/bin/env bash
# Deploy benchmarks (issue 6): does deploy cost depend on the system disk's virtual size, and
# what do 50 instances cost, against the standard tools (qemu-img overlay + virsh define)?
#   bench1g / bench20g: identical appliances, sparse raw ext4 system disk of 1 GiB / 20 GiB
#   holding the same few MiB of files, plus a 64 MiB user disk.
# Inputs are built once and cached in $BENCH_DEPLOY_INPUTS (default /var/tmp/va-bench-deploy).
# The standard tools' way: qemu-img create -f qcow2 -b BASE -F raw + a qcow2 user disk + virsh define.
# Every store and domain the script creates is removed on exit, even on failure.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
va=("$here/../virt-appliance")
inputs=${BENCH_DEPLOY_INPUTS:-/var/tmp/va-bench-deploy}
uri=${BENCH_CONNECT:-qemu:///system}
runs=${BENCH_RUNS:-5}
export LIBVIRT_DEFAULT_URI=$uri
many=${BENCH_MANY:-50}

for tool in qemu-img virsh mkfs.ext4 truncate /usr/bin/time du; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/prereqs.sh installs it)" >&2; exit 1; }
done
"$here/../scripts/prereqs.sh" >/dev/null 2>&1 || true

mkdir -p "$inputs"
chmod 0755 "$inputs"
work=$(mktemp -d /var/tmp/va-bench-deploy-run.XXXXXX)
chmod 0755 "$work"
store=$work/store
cmpdir=$work/virsh
mkdir -p "$store" "$cmpdir"
chmod 0755 "$store" "$cmpdir"

cleanup() {
  local rc=$?
  set +e
  for dom in $(virsh -c "$uri" list --all --name 2>/dev/null); do
    case "$dom" in
      bench-virsh-*|va-bench-vm|va-bench-many-*)
        virsh -c "$uri" destroy "$dom" >/dev/null 2>&1
        virsh -c "$uri" undefine "$dom" --nvram >/dev/null 2>&1 || virsh -c "$uri" undefine "$dom" >/dev/null 2>&1 ;;
    esac
  done
  chmod -R u+w "$work" 2>/dev/null
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- inputs (cached) -------------------------------------------------------------------------
build_app() { # NAME SIZE
  local name=$1 size=$2 dir=$inputs/$1
  # A cached package made by an older package format is made again.
  if [[ -f "$inputs/$name.vapp" ]] && "${va[@]}" verify --allow-unsigned "$inputs/$name.vapp" >/dev/null 2>&1; then
    return
  fi
  rm -rf "$dir" "$inputs/files"
  mkdir -p "$dir" "$inputs/files/usr/share/bench"
  # a few MiB of real files, the same in both (fixed seed so the images are reproducible)
  for i in $(seq 1 8); do
    openssl enc -aes-128-ctr -pass pass:bench$i -nosalt -pbkdf2 </dev/zero 2>/dev/null | head -c 524288 >"$inputs/files/usr/share/bench/blob$i" || true
  done
  seq 1 200000 >"$inputs/files/usr/share/bench/numbers.txt"
  truncate -s "$size" "$dir/system.img"
  mkfs.ext4 -q -F -E root_owner=0:0 -d "$inputs/files" "$dir/system.img"
  cat >"$dir/appliance.xml" <<EOF
<image>
  <name version="1.0" release="1">$name</name>
  <domain>
    <boot type="hvm">
      <guest><arch>x86_64</arch><features><acpi/></features></guest>
      <os><loader dev="hd"/></os>
      <drive disk="system" target="vda"/>
      <drive disk="data" target="vdb"/>
    </boot>
    <devices><vcpu>1</vcpu><memory unit="MiB">128</memory></devices>
  </domain>
  <storage>
    <disk id="system" file="system.img" use="system" format="raw"/>
    <disk id="data" use="user" size="64"/>
  </storage>
</image>
EOF
  "${va[@]}" pack "$dir" -o "$inputs/$name.vapp.tmp" >/dev/null
  mv "$inputs/$name.vapp.tmp" "$inputs/$name.vapp"
}
build_app bench1g 1G
build_app bench20g 20G

for app in bench1g bench20g; do
  "${va[@]}" install "$inputs/$app.vapp" --root "$store" --allow-unsigned >/dev/null
done

# --- timing helpers --------------------------------------------------------------------------
timed() { # OUTVAR command... : wall seconds into OUTVAR
  local __out=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null
  t1=$(date +%s.%N)
  printf -v "$__out" '%.3f' "$(echo "$t1 - $t0" | bc -l)"
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { echo "scale=3; $1 / $2" | bc -l | sed 's/^\./0./'; }

deploy_opts=(--no-start --virt-type qemu --connect "$uri" --root "$store")

# CLI start-up cost, for reading the figures below
timed t_startup "${va[@]}" vms --root "$store"

# --- 1 VM, 1 GiB vs 20 GiB -------------------------------------------------------------------
# The two appliances alternate run by run, so that load from elsewhere on the host (other
# guests under TCG) falls on both alike.
declare -A med alloc apparent times
for r in $(seq 1 "$runs"); do
  for app in bench1g bench20g; do
    timed t "${va[@]}" deploy "$app" --name va-bench-vm "${deploy_opts[@]}"
    times[$app]+=" $t"
    alloc[$app]=$(du -sB1 "$store/instances/va-bench-vm" | cut -f1)
    apparent[$app]=$(du -sB1 --apparent-size "$store/instances/va-bench-vm" | cut -f1)
    "${va[@]}" undeploy va-bench-vm --delete-data --root "$store" >/dev/null
    echo "bench: deploy $app run $r: $t s, ${alloc[$app]} bytes (apparent ${apparent[$app]})" >&2
  done
done
for app in bench1g bench20g; do
  # shellcheck disable=SC2086
  med[$app]=$(median ${times[$app]})
done

# --- 50 VMs ----------------------------------------------------------------------------------
timed t_many "${va[@]}" deploy bench1g --name va-bench-many --count "$many" "${deploy_opts[@]}"
many_alloc=$(du -sB1 "$store/instances" | cut -f1)
many_apparent=$(du -sB1 --apparent-size "$store/instances" | cut -f1)
undeploy_all() {
  for i in $(seq 1 "$many"); do
    "${va[@]}" undeploy "va-bench-many-$i" --delete-data --root "$store"
  done
}
timed t_many_undeploy undeploy_all
echo "bench: $many deploys ${t_many} s, undeploys ${t_many_undeploy} s" >&2

# --- the standard tools: qemu-img overlay + virsh define, 50 times ---------------------------
base=$(ls -d "$store"/appliances/bench1g/*/ | head -1)system.img
[[ -f "$base" ]] || { echo "bench: pristine image not found at $base" >&2; exit 1; }
virsh_define_all() {
  for i in $(seq 1 "$many"); do
    local d=$cmpdir/bench-virsh-$i
    mkdir -p "$d"
    qemu-img create -q -f qcow2 -b "$base" -F raw "$d/system.qcow2"
    qemu-img create -q -f qcow2 "$d/data.qcow2" 64M
    cat >"$d/domain.xml" <<EOF
<domain type='qemu'>
  <name>bench-virsh-$i</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type><boot dev='hd'/></os>
  <features><acpi/></features>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$d/system.qcow2'/><target dev='vda' bus='virtio'/></disk>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$d/data.qcow2'/><target dev='vdb' bus='virtio'/></disk>
  </devices>
</domain>
EOF
    virsh -q -c "$uri" define "$d/domain.xml" >/dev/null
  done
}
virsh_undefine_all() {
  for i in $(seq 1 "$many"); do
    virsh -q -c "$uri" undefine "bench-virsh-$i" >/dev/null
    rm -rf "$cmpdir/bench-virsh-$i"
  done
}
timed t_virsh virsh_define_all
virsh_alloc=$(du -sB1 "$cmpdir" | cut -f1)
virsh_apparent=$(du -sB1 --apparent-size "$cmpdir" | cut -f1)
timed t_virsh_undef virsh_undefine_all

# --- report ----------------------------------------------------------------------------------
per() { echo "scale=3; $1 / $many" | bc -l | sed 's/^\./0./'; }
table=$(
  printf 'case\twall_s\tbytes_on_disk\tapparent_bytes\n'
  printf 'cli start-up (vms)\t%s\t-\t-\n' "$t_startup"
  printf 'deploy 1 GiB (median of %s)\t%s\t%s\t%s\n' "$runs" "${med[bench1g]}" "${alloc[bench1g]}" "${apparent[bench1g]}"
  printf 'deploy 20 GiB (median of %s)\t%s\t%s\t%s\n' "$runs" "${med[bench20g]}" "${alloc[bench20g]}" "${apparent[bench20g]}"
  printf 'ratio 20 GiB / 1 GiB (goal <= 1.1)\t%s\t%s\t%s\n' "$(ratio "${med[bench20g]}" "${med[bench1g]}")" \
    "$(ratio "${alloc[bench20g]}" "${alloc[bench1g]}")" "$(ratio "${apparent[bench20g]}" "${apparent[bench1g]}")"
  printf 'deploy --count %s (total)\t%s\t%s\t%s\n' "$many" "$t_many" "$many_alloc" "$many_apparent"
  printf '  per instance\t%s\t%s\t%s\n' "$(per "$t_many")" "$((many_alloc / many))" "$((many_apparent / many))"
  printf 'undeploy x%s (total)\t%s\t-\t-\n' "$many" "$t_many_undeploy"
  printf '  per instance\t%s\t-\t-\n' "$(per "$t_many_undeploy")"
  printf 'qemu-img+virsh define x%s (total)\t%s\t%s\t%s\n' "$many" "$t_virsh" "$virsh_alloc" "$virsh_apparent"
  printf '  per instance\t%s\t%s\t%s\n' "$(per "$t_virsh")" "$((virsh_alloc / many))" "$((virsh_apparent / many))"
  printf 'virsh undefine+rm x%s (total)\t%s\t-\t-\n' "$many" "$t_virsh_undef"
)
echo
column -t -s $'\t' <<<"$table"

{
  echo
  echo "## Deploy ($(date -u '+%Y-%m-%d %H:%M UTC'), \`bench/deploy.sh\`)"
  echo
  echo "Inputs: identical appliances, sparse raw ext4 system disk of 1 GiB / 20 GiB with the same few MiB"
  echo "of files, a 64 MiB user disk (qcow2 in both ways); \`--no-start --virt-type qemu\`, $uri; $(nproc) cores."
  echo "Wall times include the CLI's start-up (dotnet, see the first row). Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo '```'
  column -t -s $'\t' <<<"$table"
  echo '```'
} >>"$here/RESULTS.md"
