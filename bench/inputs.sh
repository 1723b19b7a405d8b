#!/usr/bin/env bash
# Builds the benchmark's input disks once and caches them under $BENCH_INPUTS (default /var/tmp/va-bench-inputs):
#   system.img  4 GiB sparse raw ext4 holding a debootstrapped Debian with about 700 MB of files
#               (minbase plus a compiler, Python, Perl, git, vim, ssh, locales: a realistic system disk)
#   data.img    256 MiB of /dev/urandom (incompressible data disk)
#   empty.img   20 GiB sparse raw, a fresh ext4 (nearly empty)
#   system-v2.img  system.img with a few Debian packages added and upgraded (the update of delta packages)
set -euo pipefail
inputs=${BENCH_INPUTS:-/var/tmp/va-bench-inputs}
mkdir -p "$inputs"
chmod 0755 "$inputs"
cd "$inputs"

# The recipe is recorded next to the image so that a changed recipe rebuilds it.
packages=python3,python3-numpy,perl,git,vim,gcc,make,openssh-server,curl,locales,man-db,less,iproute2,systemd-sysv
recipe="bookworm minbase $packages"
if [[ ! -f system.img || "$(cat system.recipe 2>/dev/null)" != "$recipe" ]]; then
  if ! command -v debootstrap >/dev/null; then
    echo "bench: installing debootstrap" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  fi
  rm -rf rootfs
  echo "bench: debootstrap bookworm with $packages (about 90 s)" >&2
  debootstrap --variant=minbase --include="$packages" bookworm rootfs "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >debootstrap.log 2>&1
  rm -f rootfs/var/cache/apt/archives/*.deb
  rm -f system.img.tmp
  truncate -s 4G system.img.tmp
  mkfs.ext4 -q -F -d rootfs -L system system.img.tmp
  mv system.img.tmp system.img
  echo "$recipe" >system.recipe
  echo "bench: system disk holds $(du -sm rootfs | cut -f1) MiB of files" >&2
  rm -rf rootfs
fi

if [[ ! -f data.img ]]; then
  head -c 256M /dev/urandom >data.img.tmp
  mv data.img.tmp data.img
fi

if [[ ! -f empty.img ]]; then
  rm -f empty.img.tmp
  truncate -s 20G empty.img.tmp
  mkfs.ext4 -q -F -L empty empty.img.tmp
  mv empty.img.tmp empty.img
fi

# system-v2.img: the next version of the system disk, for delta packages: a copy of system.img
# with a handful of Debian packages added and upgraded in place (apt-get in a chroot on the
# loop-mounted copy), as a supplier's update would change it. Cached like the others.
update_recipe="$recipe + bookworm-updates/security; add jq tree htop rsync; upgrade openssh-server openssh-client curl libcurl4 openssl libssl3 tzdata"
if [[ ! -f system-v2.img || "$(cat system-v2.recipe 2>/dev/null)" != "$update_recipe" || system-v2.img -ot system.img ]]; then
  echo "bench: making system-v2.img (apt-get in a chroot of a copy of system.img, about 60 s)" >&2
  rm -f system-v2.img.tmp
  cp --sparse=always system.img system-v2.img.tmp
  mnt=$(mktemp -d)
  mount -o loop system-v2.img.tmp "$mnt"
  # shellcheck disable=SC2064
  trap "umount -R '$mnt' 2>/dev/null || true; rmdir '$mnt'" EXIT
  mount -t proc proc "$mnt/proc"
  cp /etc/resolv.conf "$mnt/etc/resolv.conf"
  mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s-security bookworm-security main\n' "$mirror" "$mirror" "$mirror" >"$mnt/etc/apt/sources.list"
  {
    chroot "$mnt" apt-get update
    chroot "$mnt" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends jq tree htop rsync
    chroot "$mnt" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends --only-upgrade openssh-server openssh-client curl libcurl4 openssl libssl3 tzdata
    chroot "$mnt" apt-get clean
  } >system-v2.log 2>&1
  rm -rf "$mnt"/var/lib/apt/lists/*
  echo "bench: system-v2: $(grep -cE '^(Unpacking|Setting up)' system-v2.log) dpkg steps (see $inputs/system-v2.log)" >&2
  umount -R "$mnt"
  trap - EXIT
  rmdir "$mnt"
  mv system-v2.img.tmp system-v2.img
  echo "$update_recipe" >system-v2.recipe
fi

ls -ls "$inputs"/*.img >&2
