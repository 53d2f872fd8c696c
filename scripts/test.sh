#!/usr/bin/env bash
# Runs the whole test suite: the cargo workspace's tests, then the Python
# package's pytest suite. Installs, idempotently, what the tests need on a
# fresh Debian machine: Python test peers (HL7 / FHIR stacks used as independent
# counterparts), system packages listed in .ci/apt.txt and the web UI tests' npm
# packages.
#
#   ./scripts/test.sh            # everything
#   ./scripts/test.sh -p bedside-gs1   # extra arguments go to cargo test
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -s .ci/apt.txt ]; then
    missing=()
    while read -r pkg; do
        [ -z "$pkg" ] || [[ "$pkg" == \#* ]] && continue
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done < .ci/apt.txt
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing system packages: ${missing[*]}"
        SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
fi

if [ -s .ci/requirements.txt ]; then
    python3 -m pip install --quiet --disable-pip-version-check -r .ci/requirements.txt
fi

# Node.js test tools, from committed lockfiles: the independent ZPL renderer
# (drivers/printer/tests/tools) and the web UI's browser tests (service/ui-tests:
# playwright-core driving Debian's Chromium, axe-core for accessibility, and the
# certified OpenID provider oidc-provider that service/tests/oidc.rs signs in through). The
# machine normally has Node.js; Debian's packages are the fallback.
if ! command -v npm >/dev/null 2>&1; then
    echo "installing nodejs and npm from Debian"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
for dir in drivers/printer/tests/tools service/ui-tests; do
    if [ -f "$dir/package-lock.json" ] && command -v npm >/dev/null 2>&1; then
        if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
            (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
            touch "$dir/node_modules"
        fi
    fi
done

# The GS1 dictionary-equivalence test needs the published dictionary; it lives
# in shared/ beside the checkout (CI always has it) unless told otherwise.
if [ -z "${GS1_SYNTAX_DICTIONARY:-}" ] && [ -f ../shared/gs1/gs1-syntax-dictionary.txt ]; then
    export GS1_SYNTAX_DICTIONARY="$PWD/../shared/gs1/gs1-syntax-dictionary.txt"
fi

# The service tests run on PostgreSQL too: start a throw-away cluster and export
# BEDSIDE_TEST_POSTGRES_URL (installs PostgreSQL from Debian when missing).
# shellcheck source=../.ci/postgres.sh
. .ci/postgres.sh

# Both suites run, and the script fails if either does.
status=0
cargo test --workspace --all-features --locked "$@" || status=$?

# The Python package (bindings/python, its own cargo workspace, excluded from the
# one above): build it with the pinned maturin from .ci/requirements.txt, install
# it into this Python, and run its pytest suite. pytest's exit status 5 (no tests
# collected) is a failure like any other non-zero status.
echo "building and installing the Python package (bindings/python)"
if python3 -m pip install --quiet --disable-pip-version-check --no-build-isolation \
        --force-reinstall --no-deps ./bindings/python; then
    (cd bindings/python && python3 -m pytest -q -p no:cacheprovider) || status=$?
else
    echo "building the Python package failed" >&2
    status=1
fi
exit "$status"
