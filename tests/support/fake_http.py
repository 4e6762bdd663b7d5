"""Plain httpx clients on a FakeSendmux, for the tests of the fake's own wire behaviour."""

from __future__ import annotations

from typing import Literal

import httpx

from sendmux.testing import FakeSendmux


def fake_http(
    fake: FakeSendmux, surface: Literal["management", "mailbox", "sending"] = "management"
) -> httpx.Client:
    """A client on the surface's base URL with the fake's key for it (Mailbox and Sending share one)."""
    key = fake.api_key if surface == "management" else fake.mailbox_api_key
    base_url = fake.sending_url if surface == "sending" else fake.url
    return httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=10)
