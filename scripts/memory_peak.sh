#!/usr/bin/env bash
# Peak resident memory of `nuspin run` against what the run records (BENCHMARKS.md, "Memory
# peak"). A 2-flavour Dirac run (4×4, one initial state) through a constant crust, 1000
# energies, recorded at 1000, 500 and 250 points, and with record = "end" at ~1000 and
# ~10 000 steps per energy (forced by max_step_km). Prints one markdown table row per run.
#
#   scripts/memory_peak.sh [NUSPIN_BINARY] [THREADS]
#
# Needs GNU time (/usr/bin/time, Debian package `time`). The 10 000-step run takes about a
# minute of CPU; everything else a few seconds each.
set -euo pipefail

nuspin=${1:-target/release/nuspin}
threads=${2:-2}
nuspin=$(realpath "$nuspin")
# The scenario, shared with tests/memory_peak.rs.
template=$(dirname "$(realpath "$0")")/memory_peak.toml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

energies=1000
n_initial=1
dim=4 # 2N for 2 flavours

scenario() { # $1 = record spec, $2 = max_step_km or "" (none)
    sed -e "s/^points = .*/points = $energies/" -e "s/^record = .*/record = $1/" "$template"
    # magnus: a constant medium defaults to layers, which takes no steps to force.
    printf '[solver]\nmethod = "magnus"\n'
    if [ -n "$2" ]; then printf 'max_step_km = %s\n' "$2"; fi
}

echo "| record | steps per energy | recorded (MB) | peak RSS (MB) | peak − recorded (MB) | file (MB) | CPU user (s) | wall (s) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
run() { # $1 = record spec, $2 = points recorded, $3 = max_step_km or ""
    scenario "$1" "$3" >s.toml
    /usr/bin/time -v -o time.txt "$nuspin" run s.toml --force --threads "$threads" >log.txt 2>&1
    local rss_kb user wall steps recorded_b file_b
    rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' time.txt)
    user=$(awk -F': ' '/User time/ {print $2}' time.txt)
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' time.txt)
    steps=$(grep -o '([0-9]* per energy)' log.txt | tr -dc '0-9')
    recorded_b=$((energies * $2 * n_initial * dim * 8))
    file_b=$(stat -c %s out.h5)
    awk -v rec="$1" -v steps="$steps" -v r="$recorded_b" -v rss="$rss_kb" -v f="$file_b" \
        -v u="$user" -v w="$wall" 'BEGIN {
        printf "| `%s` | %s | %.1f | %.1f | %.1f | %.1f | %s | %s |\n",
            rec, steps, r / 1e6, rss * 1024 / 1e6, (rss * 1024 - r) / 1e6, f / 1e6, u, w }'
}

run "{ points = 1000 }" 1000 ""
run "{ points = 500 }" 500 ""
run "{ points = 250 }" 250 ""
run '"end"' 1 "0.18"
run '"end"' 1 "0.018"
