#!/usr/bin/env bash
# Builds every cargo-fuzz target in fuzz/ and runs each one for a bounded time,
# starting from its committed seeds (fuzz/seeds/<target>/). Fails if any target
# crashes (panic, failed assertion, timeout, out-of-memory), naming the target
# and the artifact libFuzzer saved.
#
# Environment:
#   FUZZ_SECONDS         seconds of fuzzing per target (default 30)
#   FUZZ_BUDGET_SECONDS  cap on the total fuzzing time (default 300, 0 = no cap):
#                        each target gets min(FUZZ_SECONDS, budget / #targets),
#                        so the whole step (build included) stays near 8 minutes
#                        on 2 cores however many targets there are
#   FUZZ_SANITIZER       cargo fuzz --sanitizer (default none: every Bedside
#                        crate forbids unsafe code, and without ASan the build
#                        takes about half the time and runs about twice as fast;
#                        use "address" to also check the unsafe code in
#                        dependencies)
#   FUZZ_TARGETS         space-separated subset of targets (default: all)
#   FUZZ_CORPUS_DIR      where the working corpora go (default: a temporary
#                        directory removed at exit; point it at a CI cache to
#                        keep what the fuzzer learns between runs)
#
# Only a stable toolchain is needed: cargo-fuzz's nightly flags are enabled
# with RUSTC_BOOTSTRAP=1. One fuzzer runs at a time (CI has 2 cores).
set -euo pipefail

FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
FUZZ_BUDGET_SECONDS="${FUZZ_BUDGET_SECONDS:-300}"
FUZZ_SANITIZER="${FUZZ_SANITIZER:-none}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

if [[ -n "${FUZZ_TARGETS:-}" ]]; then
    read -r -a targets <<<"$FUZZ_TARGETS"
else
    mapfile -t targets < <(cargo fuzz list --fuzz-dir fuzz)
fi
if [[ ${#targets[@]} -eq 0 ]]; then
    echo "fuzz: no targets found" >&2
    exit 1
fi

seconds="$FUZZ_SECONDS"
if ((FUZZ_BUDGET_SECONDS > 0)); then
    share=$((FUZZ_BUDGET_SECONDS / ${#targets[@]}))
    if ((share < 1)); then share=1; fi
    if ((share < seconds)); then seconds="$share"; fi
fi

if [[ -n "${FUZZ_CORPUS_DIR:-}" ]]; then
    work="$FUZZ_CORPUS_DIR"
    mkdir -p "$work"
else
    work="$(mktemp -d "${TMPDIR:-/tmp}/bedside-fuzz.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
fi

# Build and run must use the same flags, or `cargo fuzz run` rebuilds.
flags=(--fuzz-dir fuzz --sanitizer "$FUZZ_SANITIZER")
echo "fuzz: building all targets (sanitizer: $FUZZ_SANITIZER)"
build_start=$SECONDS
cargo fuzz build "${flags[@]}"
echo "fuzz: build took $((SECONDS - build_start))s; running each target for ${seconds}s"

failed=()
summary=()
for t in "${targets[@]}"; do
    corpus="$work/corpus/$t"
    log="$work/$t.log"
    mkdir -p "$corpus"
    if [[ -d "fuzz/seeds/$t" ]]; then
        cp -f fuzz/seeds/"$t"/* "$corpus"/ 2>/dev/null || true
    else
        echo "fuzz: warning: no seeds for $t" >&2
    fi
    echo "fuzz: === $t (${seconds}s) ==="
    rc=0
    # The outer timeout is only a backstop if libFuzzer itself wedges.
    timeout --kill-after=30 $((seconds + 120)) \
        cargo fuzz run "${flags[@]}" "$t" "$corpus" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 >"$log" 2>&1 || rc=$?
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)"
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)"
    cov="$(grep -Eo 'cov: [0-9]+' "$log" | tail -n1 | cut -d' ' -f2 || true)"
    if ((rc != 0)); then
        artifact="$(grep -Eo 'Test unit written to [^ ]+' "$log" | tail -n1 | cut -d' ' -f5 || true)"
        echo "fuzz: FAILED $t (exit $rc)" >&2
        grep -E -A25 'panicked at|ERROR: libFuzzer|==ERROR|SUMMARY' "$log" | head -n 60 >&2 || tail -n 40 "$log" >&2
        if [[ -n "$artifact" ]]; then
            echo "fuzz: $t artifact: $root/$artifact" >&2
            echo "fuzz: reproduce with: RUSTC_BOOTSTRAP=1 cargo fuzz run ${flags[*]} $t $artifact" >&2
        else
            echo "fuzz: $t: no artifact written; last lines of the log:" >&2
            tail -n 20 "$log" >&2
        fi
        failed+=("$t${artifact:+ ($artifact)}")
        summary+=("$(printf '%-22s FAILED  runs=%s exec/s=%s' "$t" "${execs:-?}" "${rate:-?}")")
    else
        summary+=("$(printf '%-22s ok      runs=%s exec/s=%s cov=%s' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}")")
    fi
done

echo "fuzz: summary (${seconds}s per target, ${#targets[@]} targets, $((SECONDS - build_start))s including the build)"
printf '  %s\n' "${summary[@]}"
if ((${#failed[@]} > 0)); then
    echo "fuzz: ${#failed[@]} target(s) failed:" >&2
    printf '  %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "fuzz: all ${#targets[@]} targets passed"
