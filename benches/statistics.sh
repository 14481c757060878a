#!/usr/bin/env bash
# Times the organizer's statistics page with 200,000 signatures on one
# petition, on SQLite and on PostgreSQL, against a release build.
#
#   benches/statistics.sh
#
# For each backend: start the app on a fresh database, create an organizer
# and a petition through the app, insert the signatures with one SQL
# statement (benches/statistics/*_rows.sql: 90% confirmed over 60 days,
# most of them recent, skewed countries and share sources), wait until the
# public count shows them and check the page shows the same total. Then
# fetch the page REQUESTS times in a row and print min / median / p90 / max
# of curl's time_total: with no signatures; with 200,000 counted on every
# request (on PostgreSQL before and after VACUUM, as index-only scans need
# the visibility map); and with a large petition's figures reused, as the
# page does for 30 seconds. The query plans follow, to show that every scan
# reads an index only.
#
# Environment: REQUESTS (default 30), BIN (a binary to time instead of
# building the release one), BENCH_POSTGRES (server URL without
# database, default postgres://postgres@127.0.0.1:5432; "skip" to leave
# PostgreSQL out), KEEP_PAGE (a file to copy the last page measured to),
# CARGO_TARGET_DIR as for cargo. Needs curl, sqlite3, psql.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROWS=$ROOT/benches/statistics
REQUESTS=${REQUESTS:-30}
PG_SERVER=${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
# BIN: an already built binary to time instead of building one.
BUILD=${BIN:+no}
BIN=${BIN:-$TARGET/release/undersigned}
PASSWORD="correct horse battery staple"
CONFIRMED=180000

log() { printf '\n== %s\n' "$*" >&2; }
die() { echo "benches/statistics.sh: $*" >&2; exit 1; }

WORK=$(mktemp -d /tmp/undersigned-stats.XXXXXX)
APP_PID=""
PG_DB=""
cleanup() {
    [[ -n $APP_PID ]] && { kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; }
    if [[ -n $PG_DB ]]; then
        psql -q "$PG_SERVER/postgres" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

csrf_of() {
    grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="\([^"]*\)"/\1/'
}

# start_app NAME DATABASE_URL: sets APP_PID, APP_URL, JAR and SLUG.
start_app() {
    local name=$1 db=$2 dir=$WORK/$1 port token location i
    mkdir -p "$dir"
    port=$(free_port)
    (
        cd "$dir"
        exec env DATABASE_URL="$db" RUST_LOG=warn \
            UNDERSIGNED__SERVER__HOST=127.0.0.1 \
            UNDERSIGNED__SERVER__PORT="$port" \
            UNDERSIGNED__SERVER__PUBLIC_URL="http://127.0.0.1:$port" \
            UNDERSIGNED__LIMITS__ENABLED=false \
            UNDERSIGNED__EMAIL__TRANSPORT=file \
            UNDERSIGNED__EMAIL__OUTBOX_DIR="$dir/outbox" \
            "$BIN" serve
    ) >"$dir/server.log" 2>&1 &
    APP_PID=$!
    APP_URL="http://127.0.0.1:$port"
    for i in $(seq 1 150); do
        curl -fsS -o /dev/null "$APP_URL/health" 2>/dev/null && break
        sleep 0.2
    done
    curl -fsS -o /dev/null "$APP_URL/health" || die "the app did not start; see $dir/server.log"
    (cd "$dir" && DATABASE_URL="$db" RUST_LOG=warn "$BIN" organizer create \
        --email stats@example.org --name "Stats Organizer" <<<"$PASSWORD" >/dev/null)
    JAR=$dir/cookies
    token=$(curl -fsS -c "$JAR" -b "$JAR" "$APP_URL/login" | csrf_of)
    curl -fsS -o /dev/null -c "$JAR" -b "$JAR" "$APP_URL/login" \
        --data-urlencode "email=stats@example.org" \
        --data-urlencode "password=$PASSWORD" \
        --data-urlencode "csrf_token=$token"
    token=$(curl -fsS -c "$JAR" -b "$JAR" "$APP_URL/dashboard/petitions/new" | csrf_of)
    location=$(curl -fsS -o /dev/null -w '%{redirect_url}' -c "$JAR" -b "$JAR" \
        "$APP_URL/dashboard/petitions/new" \
        --data-urlencode "title=Count the bees" \
        --data-urlencode "summary=Protect pollinators across Europe." \
        --data-urlencode "body=Bees pollinate **a third** of our food." \
        --data-urlencode "targets=European Parliament" \
        --data-urlencode "goal=1000000" \
        --data-urlencode "closes_on=" \
        --data-urlencode "csrf_token=$token")
    [[ $location == */petitions/* ]] || die "creating the petition did not redirect to it"
    SLUG=${location##*/petitions/}
}

stop_app() {
    kill "$APP_PID" 2>/dev/null || true
    wait "$APP_PID" 2>/dev/null || true
    APP_PID=""
}

# wait_for_count N: until the public count shows N.
wait_for_count() {
    local expected=$1 i count=""
    for i in $(seq 1 100); do
        count=$(curl -fsS "$APP_URL/api/v1/petitions/$SLUG/count" | grep -o '"signature_count":[0-9]*' | cut -d: -f2)
        [[ $count == "$expected" ]] && return 0
        sleep 0.1
    done
    die "the public count shows $count, not $expected"
}

# check_page N: the page shows N confirmed signatures.
check_page() {
    local expected=$1 page=$WORK/page.html shown
    curl -fsS -b "$JAR" -o "$page" "$APP_URL/dashboard/petitions/$SLUG"
    [[ -z ${KEEP_PAGE:-} ]] || cp "$page" "$KEEP_PAGE"
    shown=$(grep -o 'data-stat="confirmed">[0-9,]*' "$page" | sed 's/.*>//; s/,//g')
    [[ $shown == "$expected" ]] || die "the page shows $shown confirmed, not $expected"
}

# timings LABEL: fetches the page REQUESTS times and prints the timings.
timings() {
    local label=$1 times=$WORK/times i
    for i in 1 2 3; do curl -fsS -b "$JAR" -o /dev/null "$APP_URL/dashboard/petitions/$SLUG"; done
    : >"$times"
    for i in $(seq 1 "$REQUESTS"); do
        curl -fsS -b "$JAR" -o /dev/null -w '%{time_total}\n' "$APP_URL/dashboard/petitions/$SLUG" >>"$times"
    done
    sort -n "$times" | awk -v label="$label" -v bytes="$(wc -c <"$WORK/page.html")" '
        { t[NR] = $1 * 1000 }
        END {
            p90 = int(NR * 0.9 + 0.5); if (p90 < 1) p90 = 1
            printf "%-36s n=%d  min %.1f ms  median %.1f ms  p90 %.1f ms  max %.1f ms  (page %d bytes)\n",
                label, NR, t[1], t[int((NR + 1) / 2)], t[p90], t[NR], bytes
        }'
}

# sql STATEMENT: runs it on the current backend, printing any rows bare.
sql() {
    if [[ -n ${DB:-} ]]; then
        sqlite3 -cmd '.timeout 10000' "$DB" "$1"
    else
        psql -qtA -v ON_ERROR_STOP=1 "$PG_URL" -c "$1"
    fi
}

# The page reuses a large petition's figures for a while. To time the
# counting itself, the durable count is set to 0 for the duration (so the
# petition is not "large" to the app) and restored afterwards; the page
# still counts all 200,000 rows.
counting_every_time() {
    sql "UPDATE signature_count_shards SET confirmed = 0 WHERE petition_id = '$ID'" >/dev/null
    wait_for_count 0
}
counting_restored() {
    sql "UPDATE signature_count_shards SET confirmed = $CONFIRMED WHERE petition_id = '$ID' AND shard = 0" >/dev/null
    wait_for_count "$CONFIRMED"
}

# The statements the page runs, with this petition's id filled in, for EXPLAIN.
sqlite_plans() {
    local db=$1 id=$2
    sqlite3 "$db" <<SQL
EXPLAIN QUERY PLAN SELECT state, country, source, COUNT(*) AS n FROM signatures
  WHERE petition_id = '$id' GROUP BY state, country, source;
EXPLAIN QUERY PLAN SELECT (SELECT MAX(confirmed_at) FROM signatures WHERE petition_id = '$id' AND state = 'confirmed');
EXPLAIN QUERY PLAN SELECT COUNT(*) FROM signatures WHERE petition_id = '$id' AND state = 'confirmed'
  AND confirmed_at >= '2026-11-01' AND confirmed_at < '2026-11-02';
SQL
}

pg_plans() {
    local url=$1 id=$2
    psql -q "$url" <<SQL
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT state, country, source, COUNT(*) AS n FROM signatures
  WHERE petition_id = '$id' GROUP BY state, country, source;
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT to_char(d, 'YYYY-MM-DD') AS bucket, (SELECT COUNT(*)
  FROM signatures WHERE petition_id = '$id' AND state = 'confirmed'
  AND confirmed_at >= d AND confirmed_at < d + interval '1 day') AS n
  FROM (SELECT date_trunc('day', MIN(confirmed_at)) AS first, date_trunc('day', MAX(confirmed_at)) AS last
        FROM signatures WHERE petition_id = '$id' AND state = 'confirmed') AS bounds,
  generate_series(GREATEST(first, last - make_interval(days => 1829)), last, interval '1 day') AS d;
SQL
}

command -v sqlite3 >/dev/null || die "needs sqlite3"
if [[ $BUILD != no ]]; then
    log "building the release binary"
    (cd "$ROOT" && cargo build --release --quiet)
fi

log "SQLite"
start_app sqlite "sqlite://$WORK/sqlite/stats.db"
DB=$WORK/sqlite/stats.db
ID=$(sql "SELECT id FROM petitions WHERE slug = '$SLUG'")
check_page 0
timings "sqlite, no signatures"
sed "s/__PETITION_ID__/$ID/g" "$ROWS/sqlite_rows.sql" | sqlite3 -cmd '.timeout 10000' "$DB"
wait_for_count "$CONFIRMED"
check_page "$CONFIRMED"
counting_every_time
timings "sqlite, 200k, counted each time"
counting_restored
timings "sqlite, 200k, figures reused"
sqlite_plans "$DB" "$ID"
stop_app
DB=""

if [[ $PG_SERVER != skip ]]; then
    log "PostgreSQL"
    PG_DB=undersigned_stats_$$
    psql -q "$PG_SERVER/postgres" -c "CREATE DATABASE $PG_DB" >/dev/null
    start_app postgres "$PG_SERVER/$PG_DB"
    PG_URL=$PG_SERVER/$PG_DB
    ID=$(sql "SELECT id FROM petitions WHERE slug = '$SLUG'")
    check_page 0
    timings "postgres, no signatures"
    # Straight after a bulk insert the visibility map is empty, so index-only
    # scans still visit the table: the worst case, until autovacuum runs.
    # Autovacuum is held off until that has been timed.
    sql "ALTER TABLE signatures SET (autovacuum_enabled = false)" >/dev/null
    sed "s/__PETITION_ID__/$ID/g" "$ROWS/postgres_rows.sql" | psql -q -v ON_ERROR_STOP=1 "$PG_URL"
    sql "ANALYZE signatures" >/dev/null
    wait_for_count "$CONFIRMED"
    check_page "$CONFIRMED"
    counting_every_time
    timings "postgres, 200k, counted, not vacuumed"
    sql "ALTER TABLE signatures RESET (autovacuum_enabled)" >/dev/null
    sql "VACUUM ANALYZE signatures" >/dev/null
    timings "postgres, 200k, counted each time"
    counting_restored
    timings "postgres, 200k, figures reused"
    pg_plans "$PG_URL" "$ID"
    stop_app
fi
