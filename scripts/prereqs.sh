#!/usr/bin/env bash
# Installs what virt-appliance needs on a Debian machine (only what is missing) and starts
# virtlogd and libvirtd when they are not running (these machines have no systemd).
# Usage: scripts/prereqs.sh [--no-libvirtd]
set -euo pipefail

packages=(
  libvirt-daemon-system libvirt-clients libvirt0 libvirt-dev
  qemu-system-x86 qemu-utils ovmf dnsmasq-base
  libxml2-utils
  busybox-static cpio e2fsprogs e2tools
  zstd xz-utils gnupg
  # export --rpm: rpmbuild, rpmsign (rpm), yum/dnf repository metadata (createrepo-c)
  rpm createrepo-c
  # make bench: delta packages against xdelta3 (issue 16)
  xdelta3
  # xorriso makes config disks; genisoimage's isoinfo reads them back in the tests (a second implementation)
  xorriso genisoimage
  # the Debian cloud-init test guest (tests/fixtures/debian-cloud) is built with mmdebstrap
  mmdebstrap
  # build: partition tables (sfdisk), Puppet for "puppet parser validate" of recipes
  fdisk puppet
  # the Kronolith example's end-to-end test: a real SMTP server on the loopback
  python3-aiosmtpd
  # a real terminal for the test of deploy's prompt
  tmux
  # serve: the page is tested in Debian's Chromium through Playwright (never a downloaded browser); a real Prometheus
  # scrapes /metrics and evaluates examples/prometheus
  chromium chromium-driver prometheus
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done

sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)

if ((${#missing[@]})); then
  echo "prereqs: installing ${missing[*]}" >&2
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null; then
  echo "prereqs: the .NET 10 SDK is required (dotnet not on PATH)" >&2
  exit 1
fi

[[ "${1:-}" == "--no-libvirtd" ]] && exit 0

# Without udev /dev/kvm stays 0600 root: libvirtd then finds KVM "gone" on every call and
# re-probes QEMU (10-20 s a call). Debian's udev rule would make it root:kvm 0660.
if [[ -c /dev/kvm ]] && getent group kvm >/dev/null && [[ $(stat -c %G /dev/kvm) != kvm ]]; then
  "${sudo_cmd[@]}" chgrp kvm /dev/kvm && "${sudo_cmd[@]}" chmod 0660 /dev/kvm
fi

daemon_running() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

if ! daemon_running /run/virtlogd.pid; then
  "${sudo_cmd[@]}" virtlogd -d
fi
if ! daemon_running /run/libvirtd.pid; then
  "${sudo_cmd[@]}" rm -f /run/libvirtd.pid
  "${sudo_cmd[@]}" libvirtd -d
fi
# The socket appears a moment after the daemon forks.
for _ in $(seq 1 50); do
  [[ -S /run/libvirt/libvirt-sock ]] && break
  sleep 0.2
done
if [[ ! -S /run/libvirt/libvirt-sock ]]; then
  echo "prereqs: libvirtd did not come up (no /run/libvirt/libvirt-sock)" >&2
  exit 1
fi
