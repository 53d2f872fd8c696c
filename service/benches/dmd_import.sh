#!/usr/bin/env bash
# Full-scale dm+d load: generates a release of dm+d's real size with bedside-dmd's
# synthesiser (about 3 000 VTM, 20 000 VMP, 150 000 AMP, 20 000 VMPP, 170 000 AMPP,
# 120 000 GTIN) and times `bedside import dmd` on it twice (the second load replaces the
# first: the weekly case), printing wall time and peak resident memory of each.
#
#   service/benches/dmd_import.sh                 # SQLite in a temporary directory
#   DATABASE_URL=postgres://… service/benches/dmd_import.sh
#
# Targets (issue 14): under 60 s and under 500 MiB resident on 2 cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
cargo build --release -q -p bedside --bin bedside
cargo build --release -q -p bedside-dmd --features synth --example dmd_synth
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
./target/release/examples/dmd_synth "$work/release" full >/dev/null
du -sh "$work/release" | awk '{print "release on disk: " $1}'
url="${DATABASE_URL:-sqlite://$work/bedside.db?mode=rwc}"
./target/release/bedside migrate --database-url "$url" >/dev/null
for run in 1 2; do
    /usr/bin/time -f "%e %M" -o "$work/time" \
        ./target/release/bedside import dmd "$work/release" --database-url "$url" >"$work/out"
    read -r secs kib <"$work/time"
    echo "load $run: ${secs} s, peak RSS $((kib / 1024)) MiB: $(cat "$work/out")"
done
