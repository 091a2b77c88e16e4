#!/bin/sh
# Run the `govern` fuzz target for N seconds (default 60) on the stable toolchain.
#
#   fuzz/run.sh [SECONDS] [extra libFuzzer flags...]
#   KEEP_GOING=1 fuzz/run.sh 600     # don't stop at the first crash (fork mode)
#
# New corpus entries go to fuzz/corpus/govern/ (git-ignored); the committed seeds in
# fuzz/seeds/govern/ are read but never written. Crashes land in fuzz/artifacts/govern/.
# cargo-fuzz passes nightly-only -Z flags (-Zsanitizer=address, ...); RUSTC_BOOTSTRAP=1
# lets the stable compiler accept them. Everything runs under `nice -n 19`.
set -eu
secs=${1:-60}
[ $# -gt 0 ] && shift
cd "$(dirname "$0")/.."

if ! command -v cargo-fuzz >/dev/null 2>&1; then
    echo "cargo-fuzz is not installed: run  cargo install cargo-fuzz" >&2
    exit 1
fi

mkdir -p fuzz/corpus/govern fuzz/artifacts/govern
keep_going=
if [ -n "${KEEP_GOING:-}" ]; then
    # fork mode restarts the worker after a crash instead of stopping the run
    keep_going="-fork=1 -ignore_crashes=1"
fi

export RUSTC_BOOTSTRAP=1
# -timeout=10: an input that takes more than 10 s is saved as a timeout-* artifact.
# shellcheck disable=SC2086
exec nice -n 19 cargo fuzz run govern fuzz/corpus/govern fuzz/seeds/govern -- \
    -max_total_time="$secs" -timeout=10 -print_final_stats=1 $keep_going "$@"
