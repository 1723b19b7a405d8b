#!/usr/bin/env bash
# Issue 16, step 1: what closes the size gap to xz at zstd's speed? Not part of `make bench`:
# a one-off exploration whose findings are in bench/RESULTS.md ("Compression choices").
#   bench/explore-compression.sh            (inputs from bench/inputs.sh; about 10 minutes on 2 cores)
# It takes the bench system disk's data as the package encoder sees it (allocated, non-zero 4 KiB
# blocks, concatenated: the "dense" stream) and measures, on 2 cores:
#   - one zstd stream (-T2) at levels 1-9, without and with --long=27 / --long=30;
#   - independent records (what allows parallel install) of 8, 16, 32, 64 MiB at levels 3 and 5,
#     with and without long-distance matching inside each record;
#   - how many 4 KiB blocks are identical within the disk (deduplication), and what the
#     deduplicated stream compresses to.
# PARTS="streams records dedup" (the default) chooses what to run; PARTS=large measures records of
# 16-256 MiB at levels 3 and 19 (about 6 minutes).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
inputs=${BENCH_INPUTS:-/var/tmp/va-bench-inputs}
work=${BENCH_WORK:-/var/tmp/va-bench-explore}
export BENCH_INPUTS=$inputs
"$here/inputs.sh"
rm -rf "$work"
mkdir -p "$work"
out=$work/results.tsv
printf 'case\tbytes\twall_s\n' >"$out"

# dense stream + deduplicated stream + statistics
/usr/bin/python3 - "$inputs/system.img" "$work" <<'EOF'
import hashlib, os, sys
image, work = sys.argv[1], sys.argv[2]
fd = os.open(image, os.O_RDONLY)
size = os.fstat(fd).st_size
zero = bytes(4096)
seen = set()
blocks = unique = 0
with open(f"{work}/dense.bin", "wb") as dense, open(f"{work}/dedup.bin", "wb") as dedup:
    offset = 0
    while offset < size:
        try:
            start = os.lseek(fd, offset, os.SEEK_DATA)
        except OSError:
            break
        end = os.lseek(fd, start, os.SEEK_HOLE)
        position = start
        while position < end:
            chunk = os.pread(fd, min(8 << 20, end - position), position)
            for i in range(0, len(chunk), 4096):
                block = chunk[i:i + 4096]
                if block == zero[:len(block)]:
                    continue
                blocks += 1
                dense.write(block)
                digest = hashlib.sha256(block).digest()
                if digest not in seen:
                    seen.add(digest)
                    unique += 1
                    dedup.write(block)
            position += len(chunk)
        offset = end
print(f"non-zero 4 KiB blocks: {blocks} ({blocks * 4096} bytes); unique: {unique} ({unique * 4096} bytes, {100 * (blocks - unique) / blocks:.2f} % duplicates)")
EOF

# measure NAME OUTPUT -- command...: wall time of one run, size of OUTPUT (or of stdout when OUTPUT is -)
measure() {
  local name=$1 output=$2
  shift 3
  sync
  local start end bytes
  start=$(date +%s.%N)
  if [[ "$output" == - ]]; then
    bytes=$("$@" | wc -c)
  else
    "$@"
    bytes=$(cat $output | wc -c)
  fi
  end=$(date +%s.%N)
  printf '%s\t%s\t%.2f\n' "$name" "$bytes" "$(echo "$end - $start" | bc)" | tee -a "$out"
}

dense=$work/dense.bin
printf 'dense\t%s\t-\n' "$(stat -c %s "$dense")" | tee -a "$out"
parts=${PARTS:-streams records dedup}
if [[ $parts == *streams* ]]; then
measure "stream xz -6 -T2" - -- xz -6 -T2 -c "$dense"
for level in 1 2 3 4 5 6 7 8 9; do
  measure "stream zstd -$level -T2" - -- zstd -q -c -T2 -"$level" "$dense"
  measure "stream zstd -$level -T2 --long=27" - -- zstd -q -c -T2 -"$level" --long=27 "$dense"
  measure "stream zstd -$level -T2 --long=30" - -- zstd -q -c -T2 -"$level" --long=30 "$dense"
done
measure "stream zstd -19 -T2 --long=27" - -- zstd -q -c -T2 -19 --long=27 "$dense"
fi

# Independent records of R MiB, two at a time (one a core), as the package encoder does.
if [[ $parts == *records* ]]; then
for record in 8 16 32 64; do
  rm -rf "$work/split"
  mkdir "$work/split"
  split -b "${record}M" -a 4 "$dense" "$work/split/r"
  for flags in "-3" "-3 --long=$((record == 8 ? 23 : record == 16 ? 24 : record == 32 ? 25 : 26))" "-5" "-7"; do
    rm -f "$work/split/"*.zst
    # shellcheck disable=SC2086
    measure "records ${record} MiB zstd $flags" "$work/split/*.zst" -- bash -c "ls '$work/split'/r* | xargs -P2 -n1 zstd -q -f $flags"
  done
done
rm -rf "$work/split"
fi

# Larger independent records (issue 16, second round: what a format with records over 16 MiB gains),
# with a window of the whole record, at level 3 and at level 19 (--compression max). Not in the default PARTS.
if [[ $parts == *large* ]]; then
for spec in 16:3 64:3 128:3 256:3 16:19 64:19; do
  mib=${spec%:*} level=${spec#*:}
  rm -rf "$work/split"
  mkdir "$work/split"
  split -b "${mib}M" -a 4 "$dense" "$work/split/r"
  window=20
  for ((m = mib; m > 1; m /= 2)); do window=$((window + 1)); done
  measure "records ${mib} MiB zstd -$level --long=$window" "$work/split/*.zst" -- bash -c "ls '$work/split'/r* | xargs -P2 -n1 zstd -q -f -$level --long=$window"
done
rm -rf "$work/split"
fi

# Deduplicated 4 KiB blocks (a second reference to a block costs a few bytes of index).
dedup=$work/dedup.bin
printf 'dedup 4 KiB\t%s\t-\n' "$(stat -c %s "$dedup")" | tee -a "$out"
if [[ $parts == *dedup* ]]; then
measure "dedup stream zstd -3 -T2" - -- zstd -q -c -T2 -3 "$dedup"
measure "dedup stream zstd -3 -T2 --long=27" - -- zstd -q -c -T2 -3 --long=27 "$dedup"
fi

echo
column -t -s $'\t' "$out"
