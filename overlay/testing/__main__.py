"""`python -m sendmux.testing [--port 8080]`: serve a FakeSendmux until Ctrl-C."""

from __future__ import annotations

import argparse
import threading

from ._fake import FakeSendmux


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sendmux.testing", description=__doc__)
    parser.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument(
        "--rate-limit", type=int, default=600, help="requests per key per window (0: unlimited)"
    )
    parser.add_argument("--seed-demo", action="store_true", help="preload a few objects of each kind")
    args = parser.parse_args(argv)
    fake = FakeSendmux(port=args.port, rate_limit=args.rate_limit or None)
    if args.seed_demo:
        fake.seed("sending_accounts", 3)
        fake.seed("domains", 2, verification_status="verified")
        fake.seed("email_logs", 5)
        fake.seed("transactions", 3)
        for i in range(3):
            fake.add_message(
                subject=f"Demo message {i}", attachments={"hello.txt": b"hello"} if i == 0 else None
            )
    with fake:
        print(f"FakeSendmux listening on {fake.url}", flush=True)
        print(f"SENDMUX_BASE_URL={fake.url}", flush=True)
        print(f"SENDMUX_API_KEY={fake.api_key}", flush=True)
        print(f"SENDMUX_MAILBOX_BASE_URL={fake.url}", flush=True)
        print(f"SENDMUX_MAILBOX_API_KEY={fake.mailbox_api_key}", flush=True)
        print(f"SENDMUX_SENDING_BASE_URL={fake.sending_url}", flush=True)
        print(f"SENDMUX_SENDING_API_KEY={fake.mailbox_api_key}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
