"""A local SMTP relay for benches/run: accepts every message and drops it.

It writes "DELIVERED FIRST_EPOCH LAST_EPOCH" to --status about twenty times
a second, where DELIVERED counts the messages accepted so far and the epochs
are when the first and the last one arrived.
"""

import argparse
import os
import signal
import threading
import time

from aiosmtpd.controller import Controller


class Counter:
    def __init__(self):
        self.delivered = 0
        self.first = 0.0
        self.last = 0.0

    async def handle_DATA(self, server, session, envelope):
        self.delivered += len(envelope.rcpt_tos)
        self.last = time.time()
        if not self.first:
            self.first = self.last
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--status", required=True)
    args = parser.parse_args()

    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=args.port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    tmp = args.status + ".tmp"
    while True:
        with open(tmp, "w") as f:
            f.write(f"{counter.delivered} {counter.first:.3f} {counter.last:.3f}\n")
        os.replace(tmp, args.status)
        if stop.wait(0.05):
            break
    controller.stop()


if __name__ == "__main__":
    main()
