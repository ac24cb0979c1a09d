#!/bin/sh
# Times `orgdir purge` of N expired users (default 10000), three runs, on
# a database of its own that it creates and removes:
#
#   docs/bench/purge.sh ./orgdir sqlite [N]
#   docs/bench/purge.sh ./orgdir postgres [N]   # server: $PURGE_BENCH_SERVER,
#       default postgres://postgres@127.0.0.1:5432 (with ?sslmode=disable);
#       it creates and drops the database orgdir_purge_bench there
#
# Each run: migrate, seed with purge-seed-*.sql (users, "Add user" and
# "Delete user" records; PostgreSQL then ANALYZEs, as autovacuum would),
# then the timed `orgdir purge` (the whole process: start, schema check,
# purge, exit). Prints users/s per run and the load average at its start.
set -eu
bin=$1 db=$2 n=${3:-10000}
here=$(cd "$(dirname "$0")" && pwd)
base=${PURGE_BENCH_SERVER:-postgres://postgres@127.0.0.1:5432}
server="$base/postgres?sslmode=disable"
for run in 1 2 3; do
	case $db in
	sqlite)
		dir=$(mktemp -d)
		url=$dir/orgdir.db
		"$bin" migrate --database "$url" >/dev/null
		sed "s/\bN\b/$n/" "$here/purge-seed-sqlite.sql" | sqlite3 "$url"
		;;
	postgres)
		psql -q "$server" -c 'DROP DATABASE IF EXISTS orgdir_purge_bench' -c 'CREATE DATABASE orgdir_purge_bench'
		url="$base/orgdir_purge_bench?sslmode=disable"
		"$bin" migrate --database "$url" >/dev/null
		sed "s/\bN\b/$n/" "$here/purge-seed-postgres.sql" | psql -q "$url"
		psql -q "$url" -c 'ANALYZE'
		;;
	*) echo "usage: $0 ORGDIR sqlite|postgres [N]" >&2; exit 2 ;;
	esac
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	start=$(date +%s.%N)
	out=$("$bin" purge --database "$url" ${PURGE_BENCH_BATCH:+--batch "$PURGE_BENCH_BATCH"})
	end=$(date +%s.%N)
	echo "run $run: $out; $(echo "$n / ($end - $start)" | bc) users/s in $(echo "$end - $start" | bc) s; load average $load"
	case $db in
	sqlite) rm -rf "$dir" ;;
	postgres) psql -q "$server" -c 'DROP DATABASE orgdir_purge_bench' ;;
	esac
done
