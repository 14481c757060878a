"""The reference for email throughput in benches/run: how fast a plain
smtplib client can hand messages to the same relay.

Runs --threads threads, each sending messages of the app's size over one
kept-open SMTP session for --seconds, and prints "sent=N seconds=S".
"""

import argparse
import smtplib
import threading
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
            del msg["To"]
            msg["To"] = f"ref-{n}-{sent}@example.org"
            smtp.send_message(msg)
            sent += 1
    results[n] = sent


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--text-bytes", type=int, default=500)
    parser.add_argument("--html-bytes", type=int, default=1050)
    args = parser.parse_args()

    results = [0] * args.threads
    start = time.monotonic()
    threads = [
        threading.Thread(
            target=sender,
            args=(args.port, args.seconds, args.text_bytes, args.html_bytes, n, results),
        )
        for n in range(args.threads)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"sent={sum(results)} seconds={time.monotonic() - start:.2f}")


if __name__ == "__main__":
    main()
