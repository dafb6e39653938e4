#!/usr/bin/env bash
# bench/import.sh: time and peak memory of importing a large WordPress export with the
# broadside binary. A generated export of 10,000 posts and 200,000 comments (real-looking
# bodies: paragraphs, links, captions; threads up to six deep) is imported into a fresh
# SQLite database, or into BROADSIDE_DB when it is set; /usr/bin/time -v reports the
# process's wall time, CPU time and maximum resident set size. Results: docs/benchmarks.md.
#
#   bench/import.sh
#   POSTS=2000 COMMENTS=40000 bench/import.sh
#   BROADSIDE_DB=postgres://user@localhost/empty_db bench/import.sh
set -euo pipefail

POSTS=${POSTS:-10000}
COMMENTS=${COMMENTS:-200000}
export GOTOOLCHAIN=${GOTOOLCHAIN:-auto}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
[ -x /usr/bin/time ] || { echo "bench/import.sh: needs GNU time (apt-get install time)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "==> generating an export of $POSTS posts and $COMMENTS comments" >&2
BROADSIDE_GEN_WXR="$tmp/site.xml" BROADSIDE_GEN_POSTS=$POSTS BROADSIDE_GEN_COMMENTS=$COMMENTS \
	go test -count=1 -run '^TestGenerateWXR$' ./internal/importer/ >/dev/null
size=$(stat -c %s "$tmp/site.xml")
echo "==> building" >&2
go build -o "$tmp/broadside" ./cmd/broadside

target=(--data "$tmp/data")
[ -n "${BROADSIDE_DB:-}" ] && target=(--db "$BROADSIDE_DB")
echo "==> importing" >&2
/usr/bin/time -v "$tmp/broadside" import wordpress "$tmp/site.xml" "${target[@]}" >"$tmp/summary.txt" 2>"$tmp/time.txt" || {
	cat "$tmp/time.txt" >&2
	exit 1
}
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/time.txt")
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time.txt")
user=$(sed -n 's/.*User time (seconds): //p' "$tmp/time.txt")
sys=$(sed -n 's/.*System time (seconds): //p' "$tmp/time.txt")
head -n 12 "$tmp/summary.txt"
printf '\nfile: %.1f MiB, %d posts, %d comments\n' "$(echo "$size / 1048576" | bc -l)" "$POSTS" "$COMMENTS"
printf 'import wall time: %s\n' "$wall"
printf 'peak RSS: %d MiB\n' $((rss / 1024))
# On a shared machine the CPU time is steadier than the wall time: compare it between runs.
printf 'CPU: %s s user + %s s system; %.0f comments per CPU second\n' "$user" "$sys" "$(echo "$COMMENTS / ($user + $sys)" | bc -l)"
