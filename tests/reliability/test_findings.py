"""Bugs the reliability work found in the client or the fake, each pinned by a test.

Both were fixed (runtime: `extra_headers={"If-None-Match": None}` opts out of the ETag cache; fake: lists
newest first); the tests now guard against their return.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sendmux import Sendmux
from sendmux.testing import FakeSendmux


def test_extra_header_none_removes_if_none_match(
    fake: FakeSendmux, make_client: Callable[..., Sendmux]
) -> None:
    client = make_client()
    domain_id = fake.seed("domains", 1)[0]["id"]
    client.domains.get(domain_id)  # the cache now holds the ETag
    raw = client.domains.with_raw_response.get(domain_id, extra_headers={"If-None-Match": None})
    assert "if-none-match" not in fake.requests[-1].headers
    assert raw.status_code == 200 and not raw.from_cache


@pytest.mark.parametrize("kind", ["domains", "mailboxes", "webhooks"])
def test_fake_lists_newest_first_as_the_spec_says(
    fake: FakeSendmux, make_client: Callable[..., Sendmux], kind: str
) -> None:
    client = make_client()
    seeded = fake.seed(kind, 3)  # type: ignore[arg-type]
    listed = [item.id for item in getattr(client, kind).list()]
    assert listed == [obj["id"] for obj in reversed(seeded)]
