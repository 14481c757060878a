#!/usr/bin/env bash
# Live count streams at scale: starts one release build of the server on a
# fresh SQLite database, opens SUBSCRIBERS (default 10,000) streams on one
# petition with examples/sse_clients.rs, confirms one signature, and prints
# the server's resident memory (from /proc) and how long the new count
# took to reach every stream. The client runs on the same machine, so the
# figures include its share of the CPUs.
#
#   benches/sse.sh [SUBSCRIBERS]
set -euo pipefail

subscribers="${1:-10000}"
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"

cargo build --release --quiet --bin undersigned --example sse_clients

# Each stream is a socket in the server and one in the client, separate
# processes with a limit each.
want="$((subscribers + 1024))"
hard="$(ulimit -Hn)"
if [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ]; then
    echo "the open file limit is $hard; $subscribers streams need $want" >&2
    exit 1
fi
ulimit -n "$want"

work="$(mktemp -d)"
server=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export DATABASE_URL="sqlite://$work/bench.db"
export UNDERSIGNED__SERVER__PORT="$port"
export UNDERSIGNED__SERVER__PUBLIC_URL="http://127.0.0.1:$port"
export UNDERSIGNED__LIMITS__ENABLED=false
# Every stream comes from this one client.
export UNDERSIGNED__LIVE__MAX_STREAMS_PER_CLIENT=100000
export UNDERSIGNED__EMAIL__TRANSPORT=file
export UNDERSIGNED__EMAIL__OUTBOX_DIR="$work/outbox"
export UNDERSIGNED__SECURITY__SECRET_KEY="sse-benchmark-secret-key-0123456789abcdef"
export RUST_LOG=info

email="bench-organizer@example.org"
password="a long benchmark password 1234"
"$target/release/undersigned" migrate >/dev/null 2>&1
echo "$password" | "$target/release/undersigned" organizer create \
    --email "$email" --name "Bench Organizer" >/dev/null

"$target/release/undersigned" serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do
    if curl -fs "http://127.0.0.1:$port/health" >/dev/null; then break; fi
    sleep 0.1
done

"$target/release/examples/sse_clients" "http://127.0.0.1:$port" "$email" "$password" \
    "$subscribers" "$server" "$work/server.log"
