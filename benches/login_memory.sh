#!/usr/bin/env bash
# Resident memory before, during and after a flood of wrong logins.
#
#   benches/login_memory.sh [BINARY]   (default target/release/undersigned)
#
# 200 clients at once each POST a wrong password (argon2 takes about
# 19 MiB per hash). RSS is read from /proc before, at its peak during the
# flood, and 10 s after. The issue's bar: back within 64 MB of before.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BINARY=${1:-$ROOT/target/release/undersigned}
PARALLEL=${LOGIN_FLOOD:-200}
WORK=$(mktemp -d)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DATABASE_URL="sqlite://$WORK/bench.db" UNDERSIGNED__SERVER__PORT=$PORT \
  UNDERSIGNED__LIMITS__ENABLED=false UNDERSIGNED__EMAIL__OUTBOX_DIR=$WORK/outbox \
  UNDERSIGNED__SECURITY__SECRET_KEY=bench-only-secret-0123456789abcdef RUST_LOG=warn
printf 'correct horse battery staple\n' | "$BINARY" organizer create --email bench@example.org --name Bench >/dev/null
"$BINARY" serve 2>"$WORK/server.log" &
SERVER=$!
BASE=http://127.0.0.1:$PORT
for _ in $(seq 50); do curl -fs "$BASE/health" >/dev/null && break; sleep 0.2; done

rss_mb() { awk '/^VmRSS/ {printf "%d", $2/1024}' "/proc/$SERVER/status"; }

# One login page visit to warm up, then the baseline.
curl -fs -c "$WORK/jar" "$BASE/login" >/dev/null
sleep 1
before=$(rss_mb)

peak=$before
(
  for n in $(seq "$PARALLEL"); do
    (
      jar="$WORK/jar.$n"
      token=$(curl -fs -c "$jar" "$BASE/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)
      curl -s -o /dev/null -b "$jar" --data-urlencode "email=bench@example.org" \
        --data-urlencode "password=wrong password $n" --data-urlencode "csrf_token=$token" "$BASE/login"
    ) &
  done
  wait
) &
FLOOD=$!
while kill -0 "$FLOOD" 2>/dev/null; do
  now=$(rss_mb); [ "$now" -gt "$peak" ] && peak=$now
  sleep 0.1
done
sleep 10
after=$(rss_mb)
printf 'login flood (%d parallel wrong logins): RSS before %d MB, peak %d MB, 10 s after %d MB (after - before = %d MB)\n' \
  "$PARALLEL" "$before" "$peak" "$after" $((after - before))
