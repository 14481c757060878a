"""The reference for email throughput in benches/run: how fast plain
smtplib clients can hand messages to the same relay.

Opens --connections processes, each sending messages of the app's size
over one SMTP session for --seconds, and prints "sent=N seconds=S".
"""

import argparse
import multiprocessing
import smtplib
import time
from email.message import EmailMessage


def sender(port, seconds, text_bytes, html_bytes, n, results):
    msg = EmailMessage()
    msg["From"] = "undersigned <no-reply@localhost>"
    msg["Subject"] = "Confirm your signature"
    msg.set_content("t" * text_bytes)
    msg.add_alternative("<p>" + "h" * html_bytes + "</p>", subtype="html")
    sent = 0
    deadline = time.monotonic() + seconds
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        while time.monotonic() < deadline:
            to = f"ref-{n}-{sent}@example.org"
            del msg["To"]
            msg["To"] = to
            smtp.send_message(msg)
            sent += 1
    results.put(sent)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--text-bytes", type=int, default=500)
    parser.add_argument("--html-bytes", type=int, default=1050)
    args = parser.parse_args()

    results = multiprocessing.Queue()
    start = time.monotonic()
    procs = [
        multiprocessing.Process(
            target=sender,
            args=(args.port, args.seconds, args.text_bytes, args.html_bytes, n, results),
        )
        for n in range(args.connections)
    ]
    for p in procs:
        p.start()
    sent = sum(results.get() for _ in procs)
    for p in procs:
        p.join()
    print(f"sent={sent} seconds={time.monotonic() - start:.2f}")


if __name__ == "__main__":
    main()
