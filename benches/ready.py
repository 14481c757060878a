"""Starts a server and times it until ready, for benches/run's footprint.

    python3 benches/ready.py PORT SETTLE_SECONDS LOG COMMAND...

Runs COMMAND (output to LOG) and polls http://127.0.0.1:PORT/health every
half millisecond until it answers 200: the time from just before the exec
to that answer is the ready time. Then waits SETTLE_SECONDS, reads the
server's resident memory from /proc/PID/status, stops it (SIGTERM) and
prints one line: "ready_ms=R rss_kb=K anon_kb=A".
"""

import socket
import subprocess
import sys
import time

REQUEST = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


def healthy(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(REQUEST)
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise SystemExit(f"no {field} in /proc/{pid}/status")


def main():
    port, settle, log, command = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4:]
    with open(log, "wb") as out:
        start = time.monotonic()
        server = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        try:
            while not healthy(port):
                if server.poll() is not None:
                    raise SystemExit(f"the server exited ({server.returncode}); see {log}")
                if time.monotonic() - start > 30:
                    raise SystemExit(f"not ready after 30 s; see {log}")
                time.sleep(0.0005)
            ready = time.monotonic() - start
            time.sleep(settle)
            rss = status_kb(server.pid, "VmRSS")
            anon = status_kb(server.pid, "RssAnon")
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    print(f"ready_ms={ready * 1000:.1f} rss_kb={rss} anon_kb={anon}")


if __name__ == "__main__":
    main()
