"""bench.canned and the server's routing: the bodies every contender is timed on (no timing here)."""

from __future__ import annotations

import json

import pytest

from bench import canned
from bench.server import Routes


def test_pages_walk_the_dataset_and_the_last_page_has_no_cursor() -> None:
    seen: list[str] = []
    offset = 0
    while True:
        page = canned.page_envelope(offset, canned.PAGE_LIMIT, 1_000)
        seen += [item["id"] for item in page["data"]]
        if not page["pagination"]["has_more"]:
            assert "next_cursor" not in page["pagination"]
            break
        offset = canned.parse_cursor(page["pagination"]["next_cursor"])
    assert len(seen) == len(set(seen)) == 1_000


def test_parse_cursor_starts_over_on_missing_or_foreign_cursor() -> None:
    assert canned.parse_cursor(canned.cursor(300)) == 300
    assert canned.parse_cursor(None) == 0
    assert canned.parse_cursor("opaque") == 0


def test_items_vary_across_types_and_nulls() -> None:
    items = [canned.provider_list_item(i) for i in range(20)]
    assert {item["type"] for item in items} == {"smtp", "gmail_api", "outlook_api", "amazon_ses"}
    assert any(item["smtp_port"] is None for item in items) and any(item["smtp_port"] for item in items)
    assert "variables" not in items[0] and "variables" in canned.provider_item(0)


def _body(response: bytes) -> dict[str, object]:
    head, _, body = response.partition(b"\r\n\r\n")
    assert f"Content-Length: {len(body)}".encode() in head
    doc: dict[str, object] = json.loads(body)
    return doc


def test_routes_serve_provider_pages_and_404() -> None:
    routes = Routes()
    assert _body(routes.respond(b"GET", b"/v1/providers/dprov_x"))["data"] == canned.provider_item(1)
    first = _body(routes.respond(b"GET", b"/v1/providers?limit=100"))
    assert len(first["data"]) == 100 and first["pagination"] == {"has_more": True, "next_cursor": "c100"}  # type: ignore[arg-type]
    last = _body(routes.respond(b"GET", b"/n1000/v1/providers?limit=100&cursor=c900"))
    assert last["pagination"] == {"has_more": False}
    assert routes.respond(b"GET", b"/v1/domains").startswith(b"HTTP/1.1 404 ")
    assert routes.respond(b"POST", b"/v1/providers").startswith(b"HTTP/1.1 404 ")


def test_canned_bodies_are_valid_for_the_pinned_spec() -> None:
    from generator.fetch import CACHE_DIR, load_pin, load_spec

    if not (CACHE_DIR / f"{load_pin()['sha256']}.json").exists():
        pytest.skip("pinned spec not cached (offline unit run)")
    pytest.importorskip("jsonschema")
    canned.validate_against_spec(load_spec())
