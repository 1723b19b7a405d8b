#!/usr/bin/env bash
# Distribution (issue 15): `install NAME` from a signed repository served over HTTP on 127.0.0.1 against
# `curl` + `install FILE` from the same server, side by side, and the metadata sizes of a repository of
# 1,000 packages (fake targets: entries written straight into the staged list, then signed by publish)
# with the time a client takes to fetch and check them (`search`, from a file:// remote).
# Inputs: bench/inputs.sh's 256 MiB random disk (incompressible: the download is the package's size)
# and its Debian system disk. The server is python3's http.server (plain HTTP/1.0, no Range needed here).
# Usage: bench/repo.sh        (BENCH_REPEAT=N runs per figure, default 3; the median is printed)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
inputs=${BENCH_INPUTS:-/var/tmp/va-bench-inputs}
work=${BENCH_WORK:-/var/tmp/va-bench-repo}
repeat=${BENCH_REPEAT:-3}
va="$here/../virt-appliance"
BENCH_INPUTS=$inputs "$here/inputs.sh" >/dev/null
for tool in curl gpg /usr/bin/python3; do command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 1; }; done
rm -rf "$work"; mkdir -m 755 -p "$work"
trap '[[ -n "${server:-}" ]] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
"$va" --version >/dev/null

export GNUPGHOME=$work/gnupg; mkdir -m 700 "$GNUPGHOME"
gpg -q --batch --passphrase '' --quick-gen-key 'Bench Repository <bench@example.org>' ed25519 sign never
gpg -q --armor --export-secret-keys bench@example.org >"$work/key.asc"
gpg -q --armor --export bench@example.org >"$work/key.pub"

descriptor() { # NAME FILE
  printf '<image>\n  <name version="1" release="1">%s</name>\n  <domain>\n    <boot type="hvm">\n      <guest><arch>x86_64</arch></guest>\n      <os><loader dev="hd"/></os>\n      <drive disk="%s" target="hda"/>\n    </boot>\n    <devices><vcpu>1</vcpu><memory>262144</memory></devices>\n  </domain>\n  <storage><disk file="%s" format="raw"/></storage>\n</image>\n' "$1" "$2" "$2"
}
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
seconds() { local start=$1 end; end=$(date +%s%N); printf '%d.%03d' $(( (end - start) / 1000000000 )) $(( (end - start) / 1000000 % 1000 )); }

"$va" repo init "$work/repo" --key "$work/key.asc" >/dev/null
for disk in data system; do
  mkdir -p "$work/app-$disk"; cp --sparse=always "$inputs/$disk.img" "$work/app-$disk/$disk.img"
  descriptor "bench-$disk" "$disk.img" >"$work/app-$disk/appliance.xml"
  "$va" pack "$work/app-$disk" -o "$work/bench-$disk.vapp" --sign-key "$work/key.asc" >/dev/null
  "$va" repo add "$work/repo" "$work/bench-$disk.vapp" >/dev/null
done
"$va" repo publish "$work/repo" --key "$work/key.asc" >/dev/null

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/bin/python3 -m http.server --bind 127.0.0.1 --directory "$work/repo" "$port" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/root.json" >/dev/null && break; sleep 0.1; done

printf 'package\tbytes\tinstall NAME (s)\tcurl (s)\tinstall FILE (s)\tcurl+install FILE (s)\n'
for disk in data system; do
  package=$work/repo/targets/bench-$disk-1-1.vapp
  bytes=$(stat -c %s "$package")
  remote=() curl=() file=() both=()
  for ((run = 0; run < repeat; run++)); do
    store=$work/store-remote; rm -rf "$store"; mkdir -m 755 "$store"
    "$va" trust add "$work/key.pub" --root "$store" >/dev/null
    "$va" remote add bench "http://127.0.0.1:$port/" --key "$work/key.pub" --root "$store" >/dev/null
    sync; start=$(date +%s%N)
    "$va" install "bench-$disk" --root "$store" >/dev/null
    remote+=("$(seconds "$start")")
    rm -rf "$store"

    store=$work/store-file; rm -rf "$store"; mkdir -m 755 "$store"
    "$va" trust add "$work/key.pub" --root "$store" >/dev/null
    sync; start=$(date +%s%N)
    curl -sf -o "$work/download.vapp" "http://127.0.0.1:$port/targets/bench-$disk-1-1.vapp"
    curl+=("$(seconds "$start")"); middle=$(date +%s%N)
    "$va" install "$work/download.vapp" --root "$store" >/dev/null
    file+=("$(seconds "$middle")"); both+=("$(seconds "$start")")
    rm -rf "$store" "$work/download.vapp"
  done
  printf 'bench-%s\t%s\t%s\t%s\t%s\t%s\n' "$disk" "$bytes" "$(median "${remote[@]}")" "$(median "${curl[@]}")" "$(median "${file[@]}")" "$(median "${both[@]}")"
  echo "bench: $disk runs: remote ${remote[*]}; curl ${curl[*]}; install FILE ${file[*]}" >&2
done
kill "$server"; server=

# 1,000 fake targets: the staged list publish reads (repo add writes the same entries for real packages).
big=$work/big
"$va" repo init "$big" --key "$work/key.asc" >/dev/null
/usr/bin/python3 - "$big/staged.json" <<'PY'
import hashlib, json, sys
entries = []
for i in range(1000):
    name, version = f"appliance-{i // 10:03d}", f"{1 + i % 10}.{i % 7}"
    seed = str(i).encode()
    entries.append({"file": f"{name}-{version}-1.vapp", "name": name, "version": version, "release": "1",
                    "channel": "stable" if i % 4 else "testing", "length": 200_000_000 + i,
                    "sha256": hashlib.sha256(seed).hexdigest(), "sha512": hashlib.sha512(seed).hexdigest()})
json.dump(entries, open(sys.argv[1], "w"))
PY
start=$(date +%s%N)
"$va" repo publish "$big" --key "$work/key.asc" >/dev/null
publish=$(seconds "$start")
echo
printf 'metadata of 1,000 packages\tbytes\tgzip -9 bytes\n'
for file in root.json targets.json snapshot.json timestamp.json; do
  printf '%s\t%s\t%s\n' "$file" "$(stat -c %s "$big/$file")" "$(gzip -9c "$big/$file" | wc -c)"
done
store=$work/store-big; mkdir -m 755 "$store"
"$va" remote add big "file://$big" --key "$work/key.pub" --root "$store" >/dev/null
searches=()
for ((run = 0; run < repeat; run++)); do start=$(date +%s%N); "$va" search --root "$store" >/dev/null; searches+=("$(seconds "$start")"); done
echo "publish (1,000 targets, sign 3 files): ${publish} s; search (refresh timestamp/snapshot/targets, check signatures, list): median $(median "${searches[@]}") s (runs: ${searches[*]})"
