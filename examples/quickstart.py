"""A walkthrough of the `sendmux` client, run by `make demo`.

It starts an embedded `FakeSendmux` (no network, no account needed) and shows the main flows:

1. create a domain and verify it
2. list sending accounts across pages
3. create a webhook and rotate its secret
4. a 304 served from the ETag cache
5. an error with its request id
6. a retried 503

Against the real API, drop the fake and set SENDMUX_API_KEY: `client = Sendmux()`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from sendmux import NotFoundError, Sendmux
from sendmux.testing import FakeSendmux

log = logging.getLogger("sendmux")


def heading(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 72 - len(title)))


def masked(secret: str) -> str:
    """Enough of a secret to tell two apart, never the whole of it."""
    return secret[:10] + "..." if len(secret) > 10 else "..."


@contextmanager
def sendmux_log(level: int) -> Iterator[None]:
    """Show the client's own log lines (retries at INFO, one line per attempt at DEBUG) for a moment."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("   [log] %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    old = log.level
    log.setLevel(level)
    try:
        yield
    finally:
        log.setLevel(old)
        log.removeHandler(handler)


def main() -> int:
    with FakeSendmux() as fake:
        # Seven sending accounts already exist in this (fake) team, so listing needs several pages.
        fake.seed("sending_accounts", 7, each=lambda i: {"name": f"Relay {i + 1}"})
        print(f"FakeSendmux running at {fake.url}")

        with Sendmux(api_key=fake.api_key, base_url=fake.url) as client:
            heading("1. Create a domain and verify it")
            domain = client.domains.create(domain="mail.example.com", mode="send_only")
            records = domain.dns_records
            print(f"created {domain.domain} ({domain.id}): verification_status={domain.verification_status}")
            print(
                f"   publish: {len(records.mx)} MX, SPF, DMARC, {len(records.dkim)} DKIM, a verification TXT"
            )
            result = client.domains.verify(domain.id)
            checks = ", ".join(
                f"{name}={'ok' if ok else 'missing'}" for name, ok in result.checks.to_dict().items()
            )
            print(f"verify -> status={result.status} ({checks})")

            heading("2. List sending accounts across pages (limit=3)")
            first = client.sending_accounts.list(limit=3)
            for number, page in enumerate(first.iter_pages(), start=1):
                names = ", ".join(account.name for account in page.data)
                print(f"page {number}: {names}  (has_more={page.has_more}, request_id={page.request_id})")
            everything = [account.id for account in client.sending_accounts.list(limit=3)]
            print(f"iterating the list fetched every page lazily: {len(everything)} accounts")

            heading("3. Create a webhook and rotate its secret")
            hook = client.webhooks.create(
                url="https://example.com/hooks/sendmux",
                event_types=["message.delivered", "message.bounced"],
                name="delivery events",
            )
            print(f"created webhook {hook.id} for {', '.join(hook.event_types)}")
            print(f"   signing secret (shown once, keep it safe): {masked(hook.secret)}")
            rotated = client.webhooks.rotate_secret(hook.id)
            print(f"rotated: new secret {masked(rotated.secret)} (verify with [old, new] while you switch)")

            heading("4. A 304 served from the ETag cache")
            raw = client.domains.with_raw_response.get(domain.id)
            print(f"first GET:  HTTP {raw.status_code}, ETag {raw.etag}, from_cache={raw.from_cache}")
            with sendmux_log(logging.DEBUG):
                raw = client.domains.with_raw_response.get(domain.id)  # sends If-None-Match for you
            again = raw.parse()
            print(
                f"second GET: HTTP {raw.status_code}, from_cache={raw.from_cache} -> {again.domain} (a fresh copy)"
            )

            heading("5. An error carries its request id")
            try:
                client.webhooks.get("whk_does_not_exist")
            except NotFoundError as error:
                print(f"{type(error).__name__}: status={error.status_code} code={error.code}")
                print(f"   request_id={error.request_id}  <- quote this to Sendmux support")
                print(f"   str(error): {error}")

            heading("6. A retried 503")
            fake.faults.add("unavailable", route="GET /providers", times=1, retry_after=0.2)
            with sendmux_log(logging.INFO):
                page = client.sending_accounts.list(limit=3)
            print(f"succeeded after the retry: {len(page.data)} accounts (request_id={page.request_id})")

    print("\nDone: every call above went over real HTTP to the embedded fake server.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
