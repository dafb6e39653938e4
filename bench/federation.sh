#!/usr/bin/env bash
# bench/federation.sh: the ActivityPub delivery and inbox benchmarks (issue 14), recorded in
# docs/benchmarks.md ("Federation"). Each runs `broadside serve` as a child process and
# measures it from outside:
#
#   BenchmarkFanOut10k    one post to 10,000 followers on 1,000 simulated hosts, at a local
#                         receiver that verifies every signature: deliveries/s, seconds to
#                         finish, the server's peak RSS
#   BenchmarkInboxSigned  4,000 signed Likes from 1,000 actors on 1,000 hosts, 16 clients at
#                         once: activities accepted/s, peak RSS
#
#   bench/federation.sh                             # SQLite
#   BROADSIDE_BENCH_DSN=postgres bench/federation.sh # a throwaway PostgreSQL (needs initdb)
#
# Environment: BENCH_ONLY (a -bench pattern; default both). The simulated hosts are
# h0.localhost … h999.localhost, dialled at 127.0.0.1 by the server (only with
# --federation-allow-private, which the benchmark passes); nothing leaves the machine.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
pattern=${BENCH_ONLY:-'FanOut10k|InboxSigned'}
exec go test -count=1 -run '^$' -bench "$pattern" -benchtime=1x -timeout 60m ./internal/app/
