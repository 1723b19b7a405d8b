#!/usr/bin/env bash
# Builds the benchmark's input disks once and caches them under $BENCH_INPUTS (default /var/tmp/va-bench-inputs):
#   system.img  4 GiB sparse raw ext4 holding a debootstrapped minbase Debian (realistic system disk)
#   data.img    256 MiB of /dev/urandom (incompressible data disk)
#   empty.img   20 GiB sparse raw, a fresh ext4 (nearly empty)
set -euo pipefail
inputs=${BENCH_INPUTS:-/var/tmp/va-bench-inputs}
mkdir -p "$inputs"
chmod 0755 "$inputs"
cd "$inputs"

if [[ ! -f system.img ]]; then
  if ! command -v debootstrap >/dev/null; then
    echo "bench: installing debootstrap" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  fi
  rm -rf rootfs
  echo "bench: debootstrap minbase bookworm (about 30 s)" >&2
  debootstrap --variant=minbase bookworm rootfs "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >debootstrap.log 2>&1
  rm -f system.img.tmp
  truncate -s 4G system.img.tmp
  mkfs.ext4 -q -F -d rootfs -L system system.img.tmp
  mv system.img.tmp system.img
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

ls -ls "$inputs"/*.img >&2
