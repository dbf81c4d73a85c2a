#!/usr/bin/env bash
# Runs every example scenario in scenarios/ into OUT_DIR/<name>.h5, and one scan scenario as
# three shards joined by `nuspin merge` (OUT_DIR/<name>.merged.h5). Used to check that a
# refactor leaves the output unchanged: run it before and after, then compare the two folders
# with scripts/compare_h5.py.
#
#   scripts/example_outputs.sh NUSPIN_BINARY OUT_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
nuspin=$(realpath "$1")
out=$2
mkdir -p "$out"
for f in scenarios/*.toml; do
    name=$(basename "$f" .toml)
    "$nuspin" run "$f" -o "$out/$name.h5" --quiet --force --threads 2
done
scan=scenarios/sn-moment-scan.toml
for k in 1 2 3; do
    "$nuspin" run "$scan" -o "$out/scan.shard-$k-of-3.h5" --quiet --force --shard "$k/3"
done
"$nuspin" merge "$out"/scan.shard-*-of-3.h5 -o "$out/sn-moment-scan.merged.h5" --force
rm -f "$out"/scan.shard-*-of-3.h5
