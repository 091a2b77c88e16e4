#!/bin/sh
# Rebuild the committed seed corpus fuzz/seeds/govern/ from tests/corpus/{allow,deny}/*.sql:
# each seed is the SQL body of one corpus file, with the `-- dialect:` / `-- expect:` /
# `-- why:` / `-- role:` header lines at the top removed (the same lines the test loader in
# tests/common/mod.rs skips). Byte-exact otherwise (LC_ALL=C, so invalid UTF-8 survives).
# Bodies over 16 KiB (the over-length deny case) are left out: they only exercise the
# length check, and libFuzzer would otherwise raise -max_len to their size and slow down.
# Only allow-*.sql and deny-*.sql are regenerated: found-*.sql (inputs the fuzzer found) stay.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../tests/corpus"
dst="$here/seeds/govern"
mkdir -p "$dst"
rm -f "$dst"/allow-*.sql "$dst"/deny-*.sql
for kind in allow deny; do
    for f in "$src/$kind"/*.sql; do
        LC_ALL=C awk '
            head {
                t = $0; sub(/^[ \t\r]+/, "", t)
                if (t ~ /^-- (dialect|expect|why|role):/) next
                head = 0
            }
            { printf "%s", (n++ ? "\n" : "") $0 }
        ' head=1 "$f" > "$dst/$kind-$(basename "$f")"
        if [ "$(wc -c < "$dst/$kind-$(basename "$f")")" -gt 16384 ]; then
            rm -f "$dst/$kind-$(basename "$f")"
            continue
        fi
        # keep the final newline if the original had one
        if [ "$(tail -c1 "$f" | od -An -c | tr -d ' ')" = '\n' ] && [ -s "$dst/$kind-$(basename "$f")" ]; then
            printf '\n' >> "$dst/$kind-$(basename "$f")"
        fi
    done
done
echo "$(ls "$dst" | wc -l) seeds in $dst ($(cat "$dst"/*.sql | wc -c) bytes)"
