#!/usr/bin/env bash
# bench/run.sh: load test of a built Broadside binary with wrk, next to nginx serving the
# same post page as a static file (the reference measured in the same run). See
# bench/README.md; results are recorded in docs/benchmarks.md.
#
#   bench/run.sh                       # 10 s per target
#   BENCH_DURATION=30s bench/run.sh
#
# Environment: BENCH_DURATION (10s), BENCH_THREADS (2), BENCH_CONNECTIONS (64),
# BENCH_WARMUP (2s, per GET target; 0 to skip), BENCH_STOP_SIGNAL (TERM; KILL checks that
# acknowledged comments survive a crash too), BENCH_KEEP=1 keeps the temp dir,
# BENCH_TARGETS (all; a space-separated list such as "post-uncached comment-post" runs only
# those; static-nginx, the reference, and comment-post, the durability check, always run),
# BENCH_BIG_COMMENTS (0; N imports a generated post with N comments and adds the
# big-commenter target: its page 1 for a returning commenter, next to post-uncached, the seed
# page for the same reader).
# The signed-in targets (post-editor, post-subscriber, and big-editor, big-subscriber with
# BENCH_BIG_COMMENTS) are the same pages for an editor signed in with a password and for a
# confirmed subscriber with a reader session (written into the database; needs sqlite3).
# The summary ends with the server's peak RSS (VmHWM) over the whole run.
# Everything listens on and targets 127.0.0.1 only.
set -euo pipefail

DURATION=${BENCH_DURATION:-10s}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-64}
WARMUP=${BENCH_WARMUP:-2s}
STOP_SIGNAL=${BENCH_STOP_SIGNAL:-TERM}
export GOTOOLCHAIN=${GOTOOLCHAIN:-auto}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench/run.sh: %s\n' "$*" >&2; exit 1; }

# --- tools -----------------------------------------------------------------------------
find_nginx() { command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true; }
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
[ -n "$(find_nginx)" ] || missing+=(nginx-light)
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		say "installing ${missing[*]} with apt-get"
		DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2 ||
			{ DEBIAN_FRONTEND=noninteractive apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2; }
	else
		die "needs ${missing[*]}; install with: sudo apt-get install -y wrk nginx-light"
	fi
fi
NGINX=$(find_nginx)
command -v curl >/dev/null 2>&1 || die "needs curl; install with: sudo apt-get install -y curl"
command -v go >/dev/null 2>&1 || die "needs the Go toolchain (https://go.dev/dl/) to build the binary"

# --- temp dir and cleanup ----------------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/broadside-bench.XXXXXX")
server_pid=""
nginx_pid=""
stop() { # stop PID [SIGNAL]: signal one process we started and wait (bounded) for it to exit
	local pid=$1 sig=${2:-TERM} i
	[ -n "$pid" ] || return 0
	kill -"$sig" "$pid" 2>/dev/null || return 0
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}
cleanup() {
	stop "$server_pid"
	stop "$nginx_pid" QUIT
	if [ "${BENCH_KEEP:-}" = 1 ]; then
		say "kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# free_port prints a TCP port on 127.0.0.1 that nothing listens on (bounded tries).
free_port() {
	local p i
	for i in $(seq 1 200); do
		p=$((20000 + RANDOM % 40000))
		[ "$p" != "${1:-}" ] || continue
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	die "no free port found"
}

# wait_http URL: wait up to 10 s for URL to answer 200.
wait_http() {
	local i
	for i in $(seq 1 100); do
		curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# --- build, load the seed discussion, start the server ----------------------------------
say "building the binary"
go build -o "$tmp/broadside" ./cmd/broadside
go build -o "$tmp/countcomments" ./bench/cmd/countcomments
go build -o "$tmp/makejpeg" ./bench/cmd/makejpeg
say "loading the seed discussion"
demo_out=$("$tmp/broadside" demo --data "$tmp/data" --seed testdata/seed/wordpress-post-with-comments.txt)
echo "$demo_out" >&2
slug=$(sed -n 's/.*slug \([^)]*\)).*/\1/p' <<<"$demo_out")
[ -n "$slug" ] || die "could not read the post's slug from: $demo_out"
seed_comments=$(sed -n 's/.* with \([0-9]*\) comments (post id.*/\1/p' <<<"$demo_out")
[ -n "$seed_comments" ] || die "could not read the number of seed comments from: $demo_out"

big_comments=${BENCH_BIG_COMMENTS:-0}
if [ "$big_comments" -gt 0 ]; then
	command -v sqlite3 >/dev/null 2>&1 || die "BENCH_BIG_COMMENTS needs sqlite3; install with: sudo apt-get install -y sqlite3"
	say "importing a generated post with $big_comments comments"
	BROADSIDE_GEN_WXR="$tmp/big.xml" BROADSIDE_GEN_POSTS=1 BROADSIDE_GEN_COMMENTS=$big_comments \
		go test -count=1 -run '^TestGenerateWXR$' ./internal/importer/ >/dev/null
	"$tmp/broadside" import wordpress "$tmp/big.xml" --data "$tmp/data" >"$tmp/big-import.txt" 2>&1 ||
		{ cat "$tmp/big-import.txt" >&2; die "the import of the big discussion failed"; }
fi

# A signed-in editor (signs in below) and a confirmed subscriber with a reader session.
bench_pw=bench-password-$RANDOM$RANDOM
"$tmp/broadside" user add --data "$tmp/data" --email bench-ed@example.org --role editor --name "Bench Editor" \
	--password-stdin <<<"$bench_pw" >/dev/null
reader_token=benchreader$RANDOM$RANDOM$RANDOM
if command -v sqlite3 >/dev/null 2>&1; then
	now_ts=$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)
	later_ts=$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%S.000000Z)
	token_hash=$(printf '%s' "$reader_token" | sha256sum | cut -d' ' -f1)
	sqlite3 "$tmp/data/broadside.db" "INSERT INTO subscribers (email, status, created_at, confirmed_at, updated_at)
		VALUES ('bench-reader@example.net', 'confirmed', '$now_ts', '$now_ts', '$now_ts');
		INSERT INTO reader_sessions (token_hash, subscriber_id, created_at, expires_at, last_seen_at)
		VALUES ('$token_hash', last_insert_rowid(), '$now_ts', '$later_ts', '$now_ts');"
else
	reader_token="" # the subscriber targets are skipped
	say "sqlite3 not found: no subscriber targets (install with: sudo apt-get install -y sqlite3)"
fi

port=$(free_port)
base="http://127.0.0.1:$port"
say "starting broadside on $base"
"$tmp/broadside" serve --data "$tmp/data" --addr "127.0.0.1:$port" --trusted-proxies 127.0.0.1/32 --api-rate-anonymous 0 \
	--log-level warn >"$tmp/serve.log" 2>&1 &
server_pid=$!
wait_http "$base/healthz" || { cat "$tmp/serve.log" >&2; die "broadside did not become healthy"; }

# The post's path, from the home page's link to it.
post_path=$(curl -fsS "$base/" | grep -o "href=\"[^\"]*/$slug/\"" | head -n 1 | sed -e 's/^href="//' -e 's/"$//' -e 's|^https\{0,1\}://[^/]*||') ||
	true
[ -n "$post_path" ] || die "could not find a link to /$slug/ on the home page"
post_url="$base$post_path"

curl -fsS -o /dev/null -c "$tmp/editor.jar" --data-urlencode email=bench-ed@example.org \
	--data-urlencode "password=$bench_pw" "$base/admin/login"
editor_session=$(awk '$6 == "bs_session" {print $7}' "$tmp/editor.jar")
[ -n "$editor_session" ] || die "the bench editor could not sign in"
editor_cookie="Cookie: bs_session=$editor_session"
reader_cookie="Cookie: bs_reader=$reader_token"
# (Without mail configured the page names no subscriber; the subscriber-only text and the
# access rule are what a reader session changes, and the tests cover them.)
curl -fsS -H "$editor_cookie" "$post_url" | grep -q 'Bench Editor' || die "the bench editor's page does not show them signed in"

# --- the static reference: the same page, saved, served by nginx -------------------------
mkdir -p "$tmp/www" "$tmp/nginx"
curl -fsS -D "$tmp/page.headers" -o "$tmp/www/index.html" "$post_url"
page_fetched=$SECONDS
ctype=$(tr -d '\r' <"$tmp/page.headers" | sed -n 's/^[Cc]ontent-[Tt]ype: *//p' | head -n 1)
[ -n "$ctype" ] || ctype="text/html; charset=utf-8"
bytes=$(wc -c <"$tmp/www/index.html")
post_id=$(sed -n 's/.*name="comment_post_ID" value="\([0-9]*\)".*/\1/p' "$tmp/www/index.html" | head -n 1)
ts=$(sed -n 's/.*name="ts" value="\([^"]*\)".*/\1/p' "$tmp/www/index.html" | head -n 1)
[ -n "$post_id" ] && [ -n "$ts" ] || die "could not find comment_post_ID and ts in the saved page"
say "post page $post_path: $bytes bytes, $ctype, post id $post_id"

# A served file (issue 9): the same 1024x768 JPEG in the site's uploads and in nginx's root.
mkdir -p "$tmp/data/uploads/2026/01"
"$tmp/makejpeg" -o "$tmp/data/uploads/2026/01/bench-photo.jpg"
cp "$tmp/data/uploads/2026/01/bench-photo.jpg" "$tmp/www/bench-photo.jpg"

# nginx's workers run as nobody when started by root: let them read the page.
chmod 0755 "$tmp" "$tmp/www" && chmod 0644 "$tmp/www/index.html" "$tmp/www/bench-photo.jpg"
nport=$(free_port "$port")
cat >"$tmp/nginx/nginx.conf" <<EOF
daemon off;
worker_processes auto;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $tmp/nginx/client_body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    types { image/jpeg jpg; }
    default_type "$ctype";
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$nport;
        root $tmp/www;
        index index.html;
    }
}
EOF
say "starting nginx on http://127.0.0.1:$nport"
"$NGINX" -p "$tmp/nginx" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" &
nginx_pid=$!
static_url="http://127.0.0.1:$nport/"
wait_http "$static_url" || { cat "$tmp/nginx/error.log" >&2; die "nginx did not start"; }
cmp -s <(curl -fsS "$static_url") "$tmp/www/index.html" || die "nginx does not serve the saved page"

# --- runs --------------------------------------------------------------------------------
clk=$(getconf CLK_TCK 2>/dev/null || echo 100)
# cpu_ticks PID…: user+system CPU the processes have used so far, in clock ticks.
cpu_ticks() {
	local t=0 p v
	for p in "$@"; do
		v=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || true)
		t=$((t + ${v:-0}))
	done
	echo "$t"
}
server_pids() { echo "$server_pid"; }
nginx_pids() { echo "$nginx_pid" $(cat /proc/"$nginx_pid"/task/*/children 2>/dev/null || true); }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
results=()
# bench NAME PIDS-FUNCTION URL [wrk args…]: runs wrk and records req/s, p50, p99, errors and
# the CPU the server used per request (and on average, in cores) during the run.
bench() {
	local name=$1 pids=$2 url=$3
	shift 3
	if [ -n "${BENCH_TARGETS:-}" ] && [ "$name" != static-nginx ] && [ "$name" != comment-post ] && [[ " $BENCH_TARGETS " != *" $name "* ]]; then
		return 0
	fi
	if [ "$WARMUP" != 0 ] && [ "$name" != comment-post ]; then
		wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" "$@" "$url" >/dev/null
	fi
	say "wrk $name: $url ($DURATION, $THREADS threads, $CONNS connections)"
	local before after
	before=$(cpu_ticks $($pids))
	wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$@" "$url" | tee "$tmp/wrk-$name.txt" >&2
	after=$(cpu_ticks $($pids))
	local rps p50 p99 bad n secs cpu
	rps=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/wrk-$name.txt")
	p50=$(awk '$1 == "50%" {print $2}' "$tmp/wrk-$name.txt")
	p99=$(awk '$1 == "99%" {print $2}' "$tmp/wrk-$name.txt")
	bad=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$tmp/wrk-$name.txt")
	n=$(awk '/ requests in / {print $1}' "$tmp/wrk-$name.txt")
	secs=$(awk '/ requests in / {sub(/s,$/, "", $4); print $4}' "$tmp/wrk-$name.txt")
	cpu=$(awk -v t=$((after - before)) -v hz="$clk" -v n="${n:-0}" -v s="${secs:-0}" \
		'BEGIN { if (n > 0 && s > 0) printf "%.0fus %.2f", t / hz * 1e6 / n, t / hz / s; else print "- -" }')
	results+=("$name|${rps:-0}|${p50:-?}|${p99:-?}|${bad:-0}|${cpu% *}|${cpu#* }")
}

bench static-nginx nginx_pids "$static_url"
bench post-cached server_pids "$post_url"
bench post-uncached server_pids "$post_url" -H "Cookie: bs_commenter=x"
bench post-editor server_pids "$post_url" -H "$editor_cookie"
[ -z "$reader_token" ] || bench post-subscriber server_pids "$post_url" -H "$reader_cookie"
if [ "$big_comments" -gt 0 ]; then
	big_id=$(sqlite3 "$tmp/data/broadside.db" "SELECT post_id FROM comments GROUP BY post_id ORDER BY count(*) DESC LIMIT 1")
	big_url=$(curl -fsS -o /dev/null -w '%{redirect_url}' "$base/?p=$big_id")
	[ -n "$big_url" ] || big_url="$base/?p=$big_id"
	curl -fsS -H "Cookie: bs_commenter=x" -o "$tmp/big.html" "$big_url"
	say "big discussion: $big_url, page 1 is $(wc -c <"$tmp/big.html") bytes"
	bench big-commenter server_pids "$big_url" -H "Cookie: bs_commenter=x"
	bench big-editor server_pids "$big_url" -H "$editor_cookie"
	[ -z "$reader_token" ] || bench big-subscriber server_pids "$big_url" -H "$reader_cookie"
fi
# Feeds and search (docs/benchmarks.md, "Feeds and search"): the RSS feed as served (page
# cache) and rebuilt on every request, and a reader search (never cached: query string).
bench feed server_pids "$base/feed/"
bench feed-uncached server_pids "$base/feed/" -H "Cookie: bs_commenter=x"
bench search server_pids "$base/search?q=momentum+willsman"
# Media (docs/benchmarks.md, "Media"): an uploaded file as Broadside serves it, next to nginx
# serving the same bytes.
bench file-nginx nginx_pids "http://127.0.0.1:$nport/bench-photo.jpg"
bench file server_pids "$base/wp-content/uploads/2026/01/bench-photo.jpg"
# REST API (docs/benchmarks.md, "REST API"): every comment of the seed post in one page,
# as WordPress clients ask for it (never page-cached, like WordPress's API).
bench api-comments server_pids "$base/wp-json/wp/v2/comments?post=$post_id&per_page=100"

# The comment form refuses submissions faster than the minimum time (3 s) after the page
# was rendered; the runs above take longer, but make sure.
while [ $((SECONDS - page_fetched)) -lt 4 ]; do sleep 1; done
mkdir -p "$tmp/acked"
BENCH_POST_ID=$post_id BENCH_TS=$ts BENCH_ACKED_DIR=$tmp/acked \
	bench comment-post server_pids "$base/comments" -s bench/comment.lua

# --- durability: stop the server, then count what the database holds ---------------------
peak_rss=$(awk '/^VmHWM:/ {print $2 " " $3}' "/proc/$server_pid/status" 2>/dev/null || echo "?")
say "stopping broadside with SIG$STOP_SIGNAL"
if [ "$STOP_SIGNAL" = KILL ]; then
	kill -KILL "$server_pid" 2>/dev/null || true
	wait "$server_pid" 2>/dev/null || true
else
	stop "$server_pid" "$STOP_SIGNAL"
fi
server_pid=""
acked_303=$(sed -n 's/.*acknowledged_303=\([0-9]*\).*/\1/p' "$tmp/wrk-comment-post.txt")
cat "$tmp"/acked/acked-*.txt >"$tmp/acked.txt" 2>/dev/null || : >"$tmp/acked.txt"
acked_ids=$(grep -c . "$tmp/acked.txt" || true)
durability_ok=1
count_out=$("$tmp/countcomments" --db "$tmp/data/broadside.db" --acked "$tmp/acked.txt") || durability_ok=0
echo "$count_out" >&2
stored_total=$(sed -n 's/.*stored comments: total=\([0-9]*\).*/\1/p' <<<"$count_out")
# The rest came from the POST run: at least every acknowledged one, plus any still in flight
# when wrk stopped.
new_comments=$(( ${stored_total:-0} - seed_comments ))
if [ "${acked_303:-0}" -ne "$acked_ids" ] || [ "${acked_303:-0}" -eq 0 ]; then
	durability_ok=0 # every 303 must have named its comment, and there must have been some
fi
if [ "$new_comments" -lt "${acked_303:-0}" ]; then
	durability_ok=0
fi

# --- summary -----------------------------------------------------------------------------
secs=${DURATION%s}
static_rps=$(cut -d'|' -f2 <<<"${results[0]}")
file_rps=0
for r in "${results[@]}"; do
	[ "${r%%|*}" != file-nginx ] || file_rps=$(cut -d'|' -f2 <<<"$r")
done
{
	echo
	echo "Broadside load test: $(nproc) CPUs, wrk -t$THREADS -c$CONNS -d$DURATION, page $bytes bytes, $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "load average before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews the figures)"
	printf '%-14s %10s %10s %10s %12s %13s %14s %10s\n' target 'req/s' p50 p99 'non-2xx/3xx' 'static/target' 'server CPU/req' 'CPU cores'
	for r in "${results[@]}"; do
		IFS='|' read -r name rps p50 p99 bad cpureq cores <<<"$r"
		ratio=-
		ref=$static_rps
		[ "$name" != file ] || ref=$file_rps # a file is compared with nginx serving that file
		[ "$name" = comment-post ] || [ "$name" = file-nginx ] ||
			ratio=$(awk -v s="$ref" -v r="$rps" 'BEGIN { if (r > 0) printf "%.2fx", s / r; else print "-" }')
		printf '%-14s %10s %10s %10s %12s %13s %14s %10s\n' "$name" "$rps" "$p50" "$p99" "$bad" "$ratio" "$cpureq" "$cores"
	done
	echo "(the file row's static/target compares it with file-nginx: nginx serving the same JPEG)"
	echo "server peak RSS (VmHWM) over the run: $peak_rss"
	echo
	if [[ "$secs" =~ ^[0-9]+$ ]]; then
		echo "comment POST: $acked_303 acknowledged (303) in $DURATION = $(awk -v n="$acked_303" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')/s"
	else
		echo "comment POST: $acked_303 acknowledged (303) in $DURATION"
	fi
	grep '^comment-statuses:' "$tmp/wrk-comment-post.txt" || true
	echo "database after SIG$STOP_SIGNAL: $new_comments new comments stored, $acked_ids acknowledged ids checked"
	if [ "$durability_ok" = 1 ]; then
		echo "durability: PASS (every acknowledged comment is in the database)"
	else
		echo "durability: FAIL"
	fi
}
[ "$durability_ok" = 1 ]
